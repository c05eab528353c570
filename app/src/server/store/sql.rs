//! Statements built at run time: text and bound values, numbered as they are
//! added.

use sqlx::Any;

/// A value bound to a statement built at run time.
#[derive(Clone, Debug)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

impl From<i64> for Bind {
    fn from(v: i64) -> Bind {
        Bind::Int(v)
    }
}

impl From<String> for Bind {
    fn from(v: String) -> Bind {
        Bind::Text(v)
    }
}

/// A statement built at run time, with its parameters numbered `$1, $2, …`
/// as they are added (both engines read that form). Only values are bound;
/// column names and directions come from enums.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Sql {
        Sql { text: text.to_string(), binds: Vec::new() }
    }

    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Binds a value and returns its placeholder, to be written into the text.
    pub(crate) fn arg(&mut self, value: impl Into<Bind>) -> String {
        self.binds.push(value.into());
        format!("${}", self.binds.len())
    }

    /// Binds a list of values and writes `$a, $b, …` for an `IN (…)` list.
    pub(crate) fn args(&mut self, values: impl IntoIterator<Item = impl Into<Bind>>) {
        for (i, value) in values.into_iter().enumerate() {
            let placeholder = self.arg(value);
            if i > 0 {
                self.text.push_str(", ");
            }
            self.text.push_str(&placeholder);
        }
    }

    pub(crate) fn query(&self) -> sqlx::query::Query<'_, Any, sqlx::any::AnyArguments<'_>> {
        self.binds.iter().fold(sqlx::query(&self.text), |q, b| match b {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        })
    }

    /// A query for one integer column.
    pub(crate) fn query_scalar(&self) -> sqlx::query::QueryScalar<'_, Any, i64, sqlx::any::AnyArguments<'_>> {
        self.binds.iter().fold(sqlx::query_scalar(&self.text), |q, b| match b {
            Bind::Int(v) => q.bind(*v),
            Bind::Text(v) => q.bind(v.as_str()),
        })
    }
}
