//! Reusable view pieces.

pub mod bar_chart;
pub mod choice_field;
pub mod description;
pub mod feedback;
pub mod filter_chips;
pub mod icons;
pub mod log_filters;
pub mod log_view;
pub mod pager;
pub mod search_box;
pub mod search_picker;
pub mod static_html;
pub mod type_badge;
pub mod viewer;
pub mod visibility;
