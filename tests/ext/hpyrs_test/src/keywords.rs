//! Keyword sets (`#[derive(FromKeywords)]`, `#[hpy(keywords)]`) and
//! `alias = "..."`, seen from Python by `tests/python/test_keywords.py`.

use hpy::{hpy_class, hpy_method, hpy_methods, Context, FromKeywords, HPyResult, Handle};

/// How `render` and its relatives draw: a keyword set with a literal
/// default, a Rust default shown through `py_default`, and two `Option`s
/// (one holding a handle).
#[derive(FromKeywords)]
pub struct Style<'ctx> {
    #[hpy(default = 2)]
    width: i64,
    #[hpy(default = Bold::default(), py_default = "True")]
    bold: Bold,
    label: Option<String>,
    fill: Option<Handle<'ctx>>,
}

/// A `bool` whose Rust default is not a literal (so the text signature
/// needs `py_default`).
pub struct Bold(bool);

impl Default for Bold {
    fn default() -> Self {
        Bold(true)
    }
}

impl<'a, 'ctx> hpy::FromHPy<'a, 'ctx> for Bold {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.is_true().map(Bold)
    }
}

/// A keyword set with a required field.
#[derive(FromKeywords)]
pub struct Window {
    start: i64,
    #[hpy(default = -1)]
    stop: i64,
}

impl Window {
    /// `stop - start` (the fields stay private to this module: a function
    /// elsewhere takes the set all the same).
    pub fn length(&self) -> i64 {
        self.stop - self.start
    }
}

fn describe(style: &Style<'_>) -> String {
    let fill = match &style.fill {
        Some(h) if h.is_none() => "None".to_owned(),
        Some(h) => h
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into()),
        None => "-".to_owned(),
    };
    format!(
        "width={} bold={} label={:?} fill={}",
        style.width, style.bold.0, style.label, fill
    )
}

/// `kw_render(obj, width=2, bold=True, label=None, fill=None)`, also
/// registered as `kw_paint`.
#[hpy_method(alias = "kw_paint")]
pub fn kw_render<'ctx>(obj: i64, #[hpy(keywords)] style: Style<'ctx>) -> String {
    format!("obj={obj} {}", describe(&style))
}

/// The same set keyword-only after positional-only parameters.
#[hpy_method(signature = (obj, fp, /, *, style))]
pub fn kw_save<'ctx>(obj: i64, fp: String, #[hpy(keywords)] style: Style<'ctx>) -> String {
    format!("obj={obj} fp={fp} {}", describe(&style))
}

/// Two sets in one function: a required field first.
#[hpy_method]
pub fn kw_window<'ctx>(
    #[hpy(keywords)] window: Window,
    #[hpy(keywords)] style: Style<'ctx>,
) -> String {
    format!("{}:{} {}", window.start, window.stop, describe(&style))
}

/// A set beside `**kwargs`: the keywords the set does not take.
#[hpy_method(signature = (obj, *, style, **rest))]
pub fn kw_rest<'ctx>(
    ctx: Context<'ctx>,
    obj: i64,
    #[hpy(keywords)] style: Style<'ctx>,
    rest: Option<Handle<'ctx>>,
) -> HPyResult<String> {
    let _ = ctx;
    let rest = match rest {
        Some(d) => d.repr()?.to_string(),
        None => "-".to_owned(),
    };
    Ok(format!("obj={obj} {} rest={rest}", describe(&style)))
}

/// Three keywords, for the call-cost comparison: written one by one.
#[hpy_method]
pub fn cost_plain(a: Option<i64>, b: Option<i64>, c: Option<i64>) -> i64 {
    a.unwrap_or(1) + b.unwrap_or(2) + c.unwrap_or(3)
}

/// The same three as a keyword set.
#[derive(FromKeywords)]
pub struct Three {
    a: Option<i64>,
    b: Option<i64>,
    c: Option<i64>,
}

/// Three keywords, for the call-cost comparison: as a keyword set.
#[hpy_method]
pub fn cost_set(#[hpy(keywords)] k: Three) -> i64 {
    k.a.unwrap_or(1) + k.b.unwrap_or(2) + k.c.unwrap_or(3)
}

/// A class whose constructor and method take keyword sets.
#[hpy_class(module = "hpyrs_test")]
pub struct Canvas {
    start: i64,
    stop: i64,
}

#[hpy_methods]
impl Canvas {
    #[new]
    fn new(#[hpy(keywords)] window: Window) -> Self {
        Canvas {
            start: window.start,
            stop: window.stop,
        }
    }

    /// `Canvas.span_of(start, stop=-1)`: a static method taking a set.
    #[staticmethod]
    fn span_of(#[hpy(keywords)] window: Window) -> i64 {
        window.length()
    }

    /// `draw(self, text, width=2, bold=True, label=None, fill=None)`.
    #[method(alias = "paint")]
    fn draw<'ctx>(&self, text: String, #[hpy(keywords)] style: Style<'ctx>) -> String {
        format!("{}:{} {text} {}", self.start, self.stop, describe(&style))
    }
}
