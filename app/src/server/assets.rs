//! The page's own files, linked from every page: the stylesheet and the
//! script that starts the WASM.
//!
//! Leptos's `HashedStylesheet` and `HydrationScripts` read the release
//! build's list of file names from disk on every page, and the latter also
//! preloads the WASM: a 300 KB download that, fetched before the page is
//! first drawn, slowed that first paint on slow connections for nothing
//! (the page reads and works without it). Here the names are read once,
//! and the WASM is fetched only once the browser is idle.

use std::sync::OnceLock;

use leptos::{nonce::use_nonce, prelude::*};

/// Where the page's files are, under their built names.
struct AssetUrls {
    css: String,
    js: String,
    wasm: String,
}

fn asset_urls(options: &LeptosOptions) -> &'static AssetUrls {
    static URLS: OnceLock<AssetUrls> = OnceLock::new();
    URLS.get_or_init(|| {
        let hashes = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
            })
            .flatten()
            .unwrap_or_default();
        let name = options.output_name.as_ref();
        // Without hashed names, cargo-leptos names the WASM after the
        // output; a plain `cargo build` leaves wasm-bindgen's `_bg` on it.
        let plain_wasm =
            if option_env!("LEPTOS_OUTPUT_NAME").is_some() { name.to_string() } else { format!("{name}_bg") };
        let pkg = options.site_pkg_dir.as_ref();
        AssetUrls {
            css: format!("/{pkg}/{}.css", hashed(&hashes, "css", name)),
            js: format!("/{pkg}/{}.js", hashed(&hashes, "js", name)),
            wasm: format!("/{pkg}/{}.wasm", hashed(&hashes, "wasm", &plain_wasm)),
        }
    })
}

/// `name.HASH` when the build's list (`kind: HASH` lines) names one for
/// `kind`, `name` otherwise.
fn hashed(hashes: &str, kind: &str, name: &str) -> String {
    hashes
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
        .find(|(file, _)| *file == kind)
        .map(|(_, hash)| format!("{name}.{}", hash.trim()))
        .unwrap_or_else(|| name.to_string())
}

/// The stylesheet, by its built name.
#[component]
pub fn PageStylesheet(options: LeptosOptions) -> impl IntoView {
    view! { <link id="leptos" rel="stylesheet" href=asset_urls(&options).css.clone() /> }
}

/// Starts the WASM once the browser is idle (at most two seconds on), or at
/// once where the browser cannot say. Until then the page works through
/// its plain links and forms. Hydrating waits for a task of its own after
/// the WASM is instantiated, so the two are not one long task that keeps
/// the page from answering a tap.
#[component]
pub fn HydrationScript(options: LeptosOptions) -> impl IntoView {
    let urls = asset_urls(&options);
    let script = format!(
        "(function(js,wasm){{const go=()=>import(js).then(m=>m.default({{module_or_path:wasm}}).then(()=>new Promise(r=>setTimeout(r))).then(()=>m.hydrate()));\
         \"requestIdleCallback\" in window?requestIdleCallback(go,{{timeout:2000}}):go();}})({:?},{:?});",
        urls.js, urls.wasm
    );
    view! { <script type="module" nonce=use_nonce()>{script}</script> }
}

#[cfg(test)]
mod tests {
    use super::hashed;

    #[test]
    fn built_names_come_from_the_list_and_plain_ones_without_it() {
        let list = "js: AbC\ncss:  dEf \nwasm: G-h_\n";
        assert_eq!(hashed(list, "css", "interlog"), "interlog.dEf");
        assert_eq!(hashed(list, "wasm", "interlog"), "interlog.G-h_");
        assert_eq!(hashed(list, "split", "interlog"), "interlog");
        assert_eq!(hashed("", "js", "interlog"), "interlog");
    }
}
