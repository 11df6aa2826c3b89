//! The shapes the templates draw: lists, record pages, forms and messages.

/// A link with its text.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// One input of a form or a filter bar.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `select`, `checkbox`, `date`, `number`, `email`, `search` or `time`.
    pub kind: &'static str,
    pub value: String,
    /// A select's choices; for a text input, the suggestions of its datalist (value, label).
    pub options: Vec<(String, String)>,
    pub error: Option<String>,
    pub required: bool,
    pub hint: Option<String>,
    /// For a text input that names a record: the kinds of record its matches are looked up
    /// among as the user types (`person`, `organization`, `organization,unit`).
    pub pick: Option<&'static str>,
    /// The records a name typed here matched when the form was sent, offered as a choice
    /// (`{name}_pick`): value and label.
    pub offers: Vec<(String, String)>,
    /// What was chosen among the offers last time, such as `new` for a new person confirmed.
    pub pick_value: String,
}

impl Field {
    pub fn new(
        kind: &'static str,
        name: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
    ) -> Field {
        Field {
            name: name.into(),
            label: label.into(),
            kind,
            value: value.into(),
            ..Field::default()
        }
    }

    pub fn select(
        name: impl Into<String>,
        label: impl Into<String>,
        value: impl Into<String>,
        options: Vec<(String, String)>,
    ) -> Field {
        Field {
            options,
            ..Field::new("select", name, label, value)
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }

    /// Makes a text input a picker of records of `kinds`, showing what was chosen among the
    /// offers of the last round trip (`{name}_pick`).
    pub fn picks(mut self, kinds: &'static str, values: &super::forms::Values) -> Field {
        self.pick = Some(kinds);
        self.pick_value = values.get(&format!("{}_pick", self.name)).to_owned();
        self
    }

    /// Rows of a text area: enough for what it holds.
    pub fn rows(&self) -> usize {
        (self.value.lines().count() + 1).clamp(3, 20)
    }
}

/// Rows of fields that repeat: participants, agenda items, gifts.
#[derive(Debug, Clone, Default)]
pub struct Group {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub rows: Vec<Vec<Field>>,
    /// A blank row numbered `TEMPLATE_ROW`, which the form's script copies to add a row in place.
    pub blank: Vec<Field>,
    pub add_label: String,
    pub remove_label: String,
    /// Whether each row has its own "remove" button: for the forms whose handler takes it.
    pub removable: bool,
}

/// The number a blank row is drawn with in a group's template, which the form's script copies
/// and numbers when the user adds a row in place: beyond `forms::MAX_ROWS`, so it is never read
/// as a row.
pub const TEMPLATE_ROW: usize = 999_999;

impl Group {
    /// Gives each row its own "remove" button, for a form whose handler reads `remove`
    /// (`forms::RowChange`).
    pub fn removable(mut self) -> Group {
        self.removable = true;
        self
    }

    /// The number the blank row of the group's template carries.
    pub fn template_row(&self) -> usize {
        TEMPLATE_ROW
    }
}

#[derive(Debug, Clone, Default)]
pub struct FormView {
    pub title: String,
    pub action: String,
    pub version: Option<i64>,
    pub fields: Vec<Field>,
    pub groups: Vec<Group>,
    pub errors: Vec<String>,
    pub cancel: String,
}

#[derive(Debug, Clone, Default)]
pub struct Column {
    pub label: String,
    pub href: Option<String>,
    /// `ascending` or `descending` when the list is sorted by this column.
    pub sorted: Option<&'static str>,
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// Keeps line breaks, for longer texts.
    pub pre: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: Some(href.into()),
            pre: false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub title: String,
    /// The list's own address, to clear the filters.
    pub base: String,
    pub new_link: Option<Link>,
    pub filters: Vec<Field>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub total_text: String,
    pub empty_text: String,
    /// The same rows as spreadsheet downloads, filters and sort kept.
    pub exports: Vec<Link>,
    /// What the downloads hold of personal data, for the kinds that have some.
    pub export_note: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Row {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
    /// A button that shows the value in clear, for personal data shown masked.
    pub show: Option<HiddenForm>,
}

#[derive(Debug, Clone, Default)]
pub struct Item {
    pub title: String,
    pub href: Option<String>,
    pub meta: String,
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub rows: Vec<Row>,
    /// The changes of state the user may make now, drawn below the rows.
    pub transitions: Option<TransitionsView>,
    pub items: Vec<Item>,
    pub empty: String,
}

/// The changes of state a user may make now on a record's page: one form with the record's
/// version, an optional note and a button for each transition.
#[derive(Debug, Clone, Default)]
pub struct TransitionsView {
    pub action: String,
    pub version: i64,
    pub note_label: String,
    pub buttons: Vec<TransitionButton>,
    /// A form of its own that makes a new record from this one, such as a renewal.
    pub renew: Option<Link>,
}

#[derive(Debug, Clone, Default)]
pub struct TransitionButton {
    /// The transition's name, sent as `transition`.
    pub name: String,
    pub label: String,
    pub danger: bool,
}

impl Section {
    pub fn new(title: impl Into<String>, empty: impl Into<String>) -> Section {
        Section {
            title: title.into(),
            empty: empty.into(),
            ..Section::default()
        }
    }

    /// Adds a row when it has a value.
    pub fn row(&mut self, label: impl Into<String>, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.rows.push(Row {
                label: label.into(),
                value,
                href: None,
                show: None,
            });
        }
    }

    pub fn link_row(
        &mut self,
        label: impl Into<String>,
        value: impl Into<String>,
        href: impl Into<String>,
    ) {
        let value = value.into();
        if !value.is_empty() {
            self.rows.push(Row {
                label: label.into(),
                value,
                href: Some(href.into()),
                show: None,
            });
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Action {
    pub label: String,
    pub href: String,
    pub danger: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DetailView {
    pub title: String,
    pub subtitle: Option<String>,
    pub actions: Vec<Action>,
    pub sections: Vec<Section>,
}

/// A form of hidden values with one button, such as "delete" or "save mine anyway".
#[derive(Debug, Clone, Default)]
pub struct HiddenForm {
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub submit: String,
    pub tone: &'static str,
}

/// A page that says one thing: an error, a question, a conflict.
#[derive(Debug, Clone, Default)]
pub struct MessageView {
    pub title: String,
    /// `error`, `warning` or `info`.
    pub tone: &'static str,
    pub paragraphs: Vec<String>,
    /// Field, yours, theirs.
    pub comparison: Vec<(String, String, String)>,
    pub form: Option<HiddenForm>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Default)]
pub struct Count {
    pub label: String,
    pub value: String,
    pub href: String,
}

#[derive(Debug, Clone, Default)]
pub struct DashboardView {
    pub counts: Vec<Count>,
    pub this_week: Vec<Item>,
    pub next_week: Vec<Item>,
    pub recent: Vec<Item>,
}
