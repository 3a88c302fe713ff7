//! Reading the embedded data tables (`data/*.tsv`): a header line naming the columns,
//! one record per line, `#` comments. The tables ship inside the binary, so a malformed
//! one is a bug caught by the unit tests, not a user error.

pub struct Record<'h, 'a> {
    header: &'h [&'a str],
    fields: Vec<&'a str>,
}

impl<'a> Record<'_, 'a> {
    /// The field of `column`, trimmed; empty when the row is short.
    pub fn get(&self, column: &str) -> &'a str {
        let index = self.header.iter().position(|name| *name == column);
        // INVARIANT: callers name columns of their own table; the tests load every table.
        let index = index.unwrap_or_else(|| panic!("data table has no column `{column}`"));
        self.fields.get(index).map_or("", |field| field.trim())
    }

    /// A `|`-separated list field.
    pub fn list(&self, column: &str) -> Vec<String> {
        split_list(self.get(column), '|')
    }

    pub fn flag(&self, column: &str) -> bool {
        self.get(column) == "yes"
    }
}

pub fn split_list(text: &str, separator: char) -> Vec<String> {
    text.split(separator)
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Calls `each` for every record of `table`.
pub fn for_each_record<'a>(table: &'a str, mut each: impl FnMut(Record<'_, 'a>)) {
    let mut lines = table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty());
    let header: Vec<&str> = lines.next().map(|line| line.split('\t').collect()).unwrap_or_default();
    for line in lines {
        each(Record {
            header: &header,
            fields: line.split('\t').collect(),
        });
    }
}
