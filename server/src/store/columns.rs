//! Many rows bound to one statement, column by column.
//!
//! A batch inserts hundreds of rows per statement. Written as `VALUES (...), (...)` with a
//! placeholder per value, the statement's text changes with the number of rows, so it is
//! parsed and planned anew for almost every batch, and a thousand rows bind twelve thousand
//! values one by one. SQLite does that cheaply (the statement goes to an in-process thread);
//! PostgreSQL spent more time preparing such statements than running them. There, each
//! column is bound as one array and the rows are `UNNEST`ed: one text whatever the row count,
//! prepared once per connection. Each backend's `dialect::rows` and `dialect::bind_columns`
//! spell the rows its way; the statements around them are written once.

/// One column of the rows to bind, a value per row.
pub enum Column<'a> {
    Text(Vec<Option<&'a str>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<bool>),
}

impl Column<'_> {
    fn rows(&self) -> usize {
        match self {
            Column::Text(values) => values.len(),
            Column::Int(values) => values.len(),
            Column::Bool(values) => values.len(),
        }
    }

    /// PostgreSQL's name for an array of this column's type.
    pub fn pg_array_type(&self) -> &'static str {
        match self {
            Column::Text(_) => "text[]",
            Column::Int(_) => "int8[]",
            Column::Bool(_) => "bool[]",
        }
    }
}

/// The number of rows of `columns` (all columns hold the same number).
pub fn row_count(columns: &[Column<'_>]) -> usize {
    columns.first().map_or(0, Column::rows)
}
