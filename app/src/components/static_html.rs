//! Markup with no behaviour, written as text: a log row's cells.
//!
//! Leptos builds every element of a `view!` as its own reactive piece, and
//! with type-erased components (`always-erase-components`, which keeps the
//! WASM small) each element that holds anything dynamic closes with a
//! `<!>` marker the browser walks past while hydrating; an absent optional
//! part leaves one too. A log row drew 33 of them. Its cells never change
//! once drawn (only the description can, renamed in place), so a cell is
//! written here as one piece of text: one element the page hydrates by
//! taking it as it is, no markers inside. Leptos' own `InertElement` does
//! the same for markup known when compiling, but keeps every piece it ever
//! built in a cache it searches on each build, which would grow with every
//! page of rows a search shows; this one builds each time from its text.
//!
//! Every value is escaped on its way in ([`Markup::text`],
//! [`Markup::attr`]); tag and attribute names are the program's own
//! constants. The hostile-input suite fetches the pages drawn with it.

use leptos::tachys::{
    html::attribute::{any_attribute::AnyAttribute, Attribute},
    hydration::Cursor,
    renderer::{types::Element, CastFrom},
    view::{add_attr::AddAnyAttr, Mountable, Position, PositionState, Render, RenderHtml},
};

/// An element written as text, open tags closed in order by [`Markup::end`]
/// or [`Markup::finish`].
#[derive(Default)]
pub struct Markup {
    html: String,
    open: Vec<&'static str>,
    /// A start tag is still taking attributes.
    in_tag: bool,
}

impl Markup {
    /// Markup starting with `tag`.
    pub fn new(tag: &'static str) -> Self {
        let mut markup = Self::default();
        markup.start(tag);
        markup
    }

    /// The element `write` writes, finished.
    pub fn written(write: impl FnOnce(&mut Markup)) -> StaticHtml {
        let mut markup = Self::default();
        write(&mut markup);
        markup.finish()
    }

    /// Opens `tag` inside whatever is open.
    pub fn start(&mut self, tag: &'static str) -> &mut Self {
        self.close_start_tag();
        self.html.push('<');
        self.html.push_str(tag);
        self.open.push(tag);
        self.in_tag = true;
        self
    }

    /// An attribute of the tag just opened, its value escaped.
    pub fn attr(&mut self, name: &'static str, value: &str) -> &mut Self {
        debug_assert!(self.in_tag, "an attribute comes straight after its tag");
        self.html.push(' ');
        self.html.push_str(name);
        self.html.push_str("=\"");
        self.html.push_str(&html_escape::encode_double_quoted_attribute(value));
        self.html.push('"');
        self
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.close_start_tag();
        self.html.push_str(&html_escape::encode_text(text));
        self
    }

    /// Closes the innermost open tag.
    pub fn end(&mut self) -> &mut Self {
        self.close_start_tag();
        if let Some(tag) = self.open.pop() {
            self.html.push_str("</");
            self.html.push_str(tag);
            self.html.push('>');
        }
        self
    }

    /// Closes every open tag: the finished element.
    pub fn finish(mut self) -> StaticHtml {
        while !self.open.is_empty() {
            self.end();
        }
        StaticHtml(self.html)
    }

    fn close_start_tag(&mut self) {
        if self.in_tag {
            self.html.push('>');
            self.in_tag = false;
        }
    }
}

/// One element as finished markup, a view like any other.
pub struct StaticHtml(String);

impl StaticHtml {
    /// Its markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The element a [`StaticHtml`] drew or hydrated, and the markup it was
/// drawn from: `None` when hydrated, for what the server drew need not be
/// what the browser was told (a log page's hydration data leaves its cells
/// out), so the first change always redraws it.
pub struct StaticHtmlState(Option<String>, Element);

impl Mountable for StaticHtmlState {
    fn unmount(&mut self) {
        self.1.unmount();
    }

    fn mount(&mut self, parent: &Element, marker: Option<&leptos::tachys::renderer::types::Node>) {
        self.1.mount(parent, marker)
    }

    fn insert_before_this(&self, child: &mut dyn Mountable) -> bool {
        self.1.insert_before_this(child)
    }

    fn elements(&self) -> Vec<Element> {
        vec![self.1.clone()]
    }
}

/// The element its markup describes, parsed in a `<template>` (which takes
/// table cells as they are).
fn parse(html: &str) -> Element {
    use leptos::wasm_bindgen::JsCast;
    let document = leptos::prelude::document();
    let template: leptos::web_sys::HtmlTemplateElement =
        document.create_element("template").expect("a template element").unchecked_into();
    template.set_inner_html(html);
    template.content().first_element_child().unwrap_or_else(|| document.create_element("span").expect("a span element"))
}

impl Render for StaticHtml {
    type State = StaticHtmlState;

    fn build(self) -> Self::State {
        let element = parse(&self.0);
        StaticHtmlState(Some(self.0), element)
    }

    fn rebuild(self, state: &mut Self::State) {
        let StaticHtmlState(previous, element) = state;
        if previous.as_deref() != Some(self.0.as_str()) {
            let mut fresh = parse(&self.0);
            element.insert_before_this(&mut fresh);
            element.unmount();
            *element = fresh;
            *previous = Some(self.0);
        }
    }
}

impl AddAnyAttr for StaticHtml {
    type Output<SomeNewAttr: Attribute> = Self;

    /// Finished markup takes no further attributes: it is drawn as written.
    fn add_any_attr<NewAttr: Attribute>(self, _attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        self
    }
}

impl RenderHtml for StaticHtml {
    type AsyncOutput = Self;
    type Owned = Self;

    const MIN_LENGTH: usize = 0;

    fn html_len(&self) -> usize {
        self.0.len()
    }

    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Self {
        self
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        _escape: bool,
        _mark_branches: bool,
        _extra_attrs: Vec<AnyAttribute>,
    ) {
        buf.push_str(&self.0);
        *position = Position::NextChild;
    }

    fn hydrate<const FROM_SERVER: bool>(self, cursor: &Cursor, position: &PositionState) -> Self::State {
        // The element the server drew is the next node: take it as it is.
        let now = position.get();
        if now == Position::FirstChild {
            cursor.child();
        } else if now != Position::Current {
            cursor.sibling();
        }
        let element = Element::cast_from(cursor.current()).unwrap_or_else(|| parse(&self.0));
        position.set(Position::NextChild);
        StaticHtmlState(None, element)
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attribute_values_are_escaped_and_tags_closed_in_order() {
        let mut cell = Markup::new("td");
        cell.start("a").attr("href", "/people/1\"><script>").attr("title", "O'Brien & <co>");
        cell.text("</td><img src=x onerror=alert(1)>").end();
        cell.start("ul").start("li").text("a<b").end();
        assert_eq!(
            cell.finish().as_str(),
            "<td><a href=\"/people/1&quot;&gt;&lt;script&gt;\" title=\"O'Brien &amp; &lt;co&gt;\">\
             &lt;/td&gt;&lt;img src=x onerror=alert(1)&gt;</a><ul><li>a&lt;b</li></ul></td>"
        );
    }

    #[test]
    fn an_element_with_nothing_inside_is_closed() {
        let mut svg = Markup::new("svg");
        svg.start("use").attr("href", "#icon-mail");
        assert_eq!(svg.finish().as_str(), "<svg><use href=\"#icon-mail\"></use></svg>");
    }
}
