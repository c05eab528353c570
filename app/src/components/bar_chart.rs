//! A stacked bar chart drawn as SVG on the server: readable without the
//! WASM, in print, and by screen readers (a title, a summary in words, and
//! each segment's number as its tooltip). The numbers are also in a table
//! beside every chart; the chart is never the only way to read them.

use leptos::prelude::*;

use crate::log::thousands;

/// One stack layer: a name, its colour (`#rrggbb`) and a value per bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub colour: String,
    pub values: Vec<i64>,
}

const HEIGHT: f64 = 220.0;
const TOP: f64 = 12.0;
/// Room for the value axis' numbers.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;

/// A round step for the value axis: 1, 2 or 5 times a power of ten, about
/// a quarter of the tallest bar.
fn tick_step(max: i64) -> i64 {
    let rough = (max as f64 / 4.0).max(1.0);
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= rough).unwrap_or(rough);
    (step as i64).max(1)
}

/// Bars side by side, one per label, each stacked from the series in order
/// (the first at the bottom). `title` names the chart for screen readers;
/// `id` makes its parts' ids unique on the page.
#[component]
pub fn StackedBarChart(id: &'static str, title: String, labels: Vec<String>, series: Vec<Series>) -> impl IntoView {
    let totals: Vec<i64> = (0..labels.len()).map(|i| series.iter().map(|s| s.values[i]).sum()).collect();
    let max = totals.iter().copied().max().unwrap_or(0);
    let step = tick_step(max);
    let top_value = (max.div_euclid(step) + i64::from(max % step != 0)).max(1) * step;
    let slot = (760.0 / labels.len().max(1) as f64).clamp(8.0, 64.0);
    let bar = (slot * 0.7).max(6.0);
    // Labels are turned when they would not fit side by side, and the
    // first one then reaches left of its bar.
    let turned = slot < 56.0;
    let left = if turned { LEFT + 48.0 } else { LEFT };
    let width = left + slot * labels.len() as f64 + RIGHT;
    let label_room = if turned { 84.0 } else { 24.0 };
    let every = (labels.len() as f64 / (width / 20.0)).ceil().max(1.0) as usize;
    let y = move |v: i64| TOP + HEIGHT - HEIGHT * v as f64 / top_value as f64;
    let summary = describe(&labels, &series, &totals);
    let ticks: Vec<i64> = (0..=top_value / step).map(|i| i * step).collect();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled_by = format!("{title_id} {desc_id}");
    let bars = labels.iter().enumerate().map(|(i, label)| {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut base = 0;
        let segments = series
            .iter()
            .filter(|s| s.values[i] > 0)
            .map(|s| {
                let value = s.values[i];
                let (top, bottom) = (y(base + value), y(base));
                base += value;
                view! {
                    <rect x=format!("{x:.1}") y=format!("{top:.1}") width=format!("{bar:.1}")
                        height=format!("{:.1}", (bottom - top).max(0.5)) fill=s.colour.clone()>
                        <title>{format!("{} — {label}: {}", s.name, thousands(value))}</title>
                    </rect>
                }
            })
            .collect_view();
        let cx = left + slot * i as f64 + slot / 2.0;
        let ly = TOP + HEIGHT + 14.0;
        let text = (i % every == 0).then(|| match turned {
            true => view! {
                <text x=format!("{cx:.1}") y=format!("{ly:.1}") text-anchor="end"
                    transform=format!("rotate(-45 {cx:.1} {ly:.1})")>{label.clone()}</text>
            }
            .into_any(),
            false => {
                view! { <text x=format!("{cx:.1}") y=format!("{ly:.1}") text-anchor="middle">{label.clone()}</text> }
                    .into_any()
            }
        });
        view! { <g class="bar">{segments}{text}</g> }
    });
    let grid = ticks
        .into_iter()
        .map(|t| {
            let ty = y(t);
            view! {
                <line x1=format!("{left}") x2=format!("{:.1}", width - RIGHT) y1=format!("{ty:.1}") y2=format!("{ty:.1}") />
                <text x=format!("{:.1}", left - 6.0) y=format!("{:.1}", ty + 4.0) text-anchor="end">{thousands(t)}</text>
            }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| {
            view! {
                <li>
                    <svg class="swatch" width="12" height="12" aria-hidden="true">
                        <rect width="12" height="12" rx="2" fill=s.colour.clone() />
                    </svg>
                    {s.name.clone()}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {width:.0} {:.0}", TOP + HEIGHT + label_room)
                width=format!("{width:.0}")
                role="img"
                aria-labelledby=labelled_by
            >
                <title id=title_id>{title}</title>
                <desc id=desc_id>{summary}</desc>
                <g class="grid">{grid}</g>
                {bars.collect_view()}
            </svg>
            <figcaption>
                <ul class="legend" aria-label="Legend">{legend}</ul>
            </figcaption>
        </figure>
    }
}

/// The chart in words: the total, the busiest bar, and each series' share.
fn describe(labels: &[String], series: &[Series], totals: &[i64]) -> String {
    let total: i64 = totals.iter().sum();
    if total == 0 {
        return "Nothing to show: every bar is empty.".into();
    }
    let (busiest, most) =
        totals.iter().enumerate().max_by_key(|(i, t)| (**t, std::cmp::Reverse(*i))).unwrap_or((0, &0));
    let shares: Vec<String> = series
        .iter()
        .map(|s| (s.name.as_str(), s.values.iter().sum::<i64>()))
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{name} {}", thousands(n)))
        .collect();
    format!(
        "{} in all over {} bars; the most, {}, in {}. By type: {}.",
        thousands(total),
        labels.len(),
        thousands(*most),
        labels.get(busiest).map(String::as_str).unwrap_or(""),
        shares.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(0), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(40), 10);
        assert_eq!(tick_step(41), 20);
        assert_eq!(tick_step(12_345), 5_000);
    }

    #[test]
    fn the_summary_names_the_busiest_bar() {
        let series = vec![
            Series { name: "Call".into(), colour: "#000000".into(), values: vec![1, 5] },
            Series { name: "Email".into(), colour: "#ffffff".into(), values: vec![0, 2] },
        ];
        let text = describe(&["Jan".into(), "Feb".into()], &series, &[1, 7]);
        assert_eq!(text, "8 in all over 2 bars; the most, 7, in Feb. By type: Call 6, Email 2.");
    }
}
