//! A lab's own operations and tool kinds, declared in the `.seip` file, join the built-in
//! library before anything else is resolved, so they check and run like built-in ones.
//!
//! ```seip
//! operation electropolish {
//!     effect: mechanical
//!     reagent: liquid
//!     wets: yes
//!     tools: polish_cell
//!     param time: min required
//!     param current_density: mA/cm2
//! }
//! tool_kind polish_cell { environments: glovebox }
//! ```
//!
//! An operation chooses one of the built-in effect kinds (`spec/models.md`); the units of
//! its parameters give their dimensions.

use super::bind::{ParamTarget, bind_params};
use super::library::{
    Antechamber, Atmosphere, Effect, EnvironmentSpec, HeatUp, Library, Operation, ParamSpec, ReagentKind, ToolKind,
};
use super::units::{Dimension, parse_unit};
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::syntax::ast::{self, BlockDecl, DeclEntry, Item, Name, Value};

/// The built-in library extended with the file's declarations.
pub fn extend(builtin: &Library, file: &ast::File) -> (Library, Vec<Diagnostic>) {
    let mut library = builtin.clone();
    let mut diagnostics = Vec::new();
    declare_environments(&mut library, file, &mut diagnostics);
    let mut declared_kinds = Vec::new();
    let mut declared_operations = Vec::new();
    // Names first, so declarations may refer to each other in any order.
    for item in &file.items {
        match item {
            Item::ToolKind(decl) => {
                if redeclares(
                    &decl.name,
                    library.tool_kinds.contains_key(&*decl.name.text),
                    "tool kind",
                    &mut diagnostics,
                ) {
                    continue;
                }
                library.tool_kinds.insert(
                    decl.name.text.to_string(),
                    ToolKind {
                        kind: decl.name.text.to_string(),
                        environments: Vec::new(),
                        operations: Vec::new(),
                        note: String::new(),
                        heat_up: HeatUp::Inside,
                    },
                );
                declared_kinds.push(decl);
            }
            Item::Operation(decl) => {
                if redeclares(
                    &decl.name,
                    library.operations.contains_key(&*decl.name.text),
                    "operation",
                    &mut diagnostics,
                ) {
                    continue;
                }
                library
                    .operations
                    .insert(decl.name.text.to_string(), placeholder(&decl.name.text));
                declared_operations.push(decl);
            }
            _ => {}
        }
    }
    for decl in declared_operations {
        let operation = lower_operation(decl, &library, &mut diagnostics);
        library.operations.insert(decl.name.text.to_string(), operation);
    }
    for decl in declared_kinds {
        let kind = lower_tool_kind(decl, &library, &mut diagnostics);
        library.tool_kinds.insert(decl.name.text.to_string(), kind);
    }
    (library, diagnostics)
}

/// What a lab may say about an environment, besides its `atmosphere`.
pub(crate) fn environment_params() -> Vec<ParamSpec> {
    let spec = |name: &str, dimension: &str| ParamSpec {
        name: name.into(),
        // INVARIANT: only names from `NAMED_DIMENSIONS` are used here.
        dimension: Dimension::named(dimension).unwrap_or(Dimension::NONE),
        required: false,
        by_dimension: false,
    };
    vec![
        spec("dew_point", "temperature"),
        spec("h2o", "fraction"),
        spec("o2", "fraction"),
        spec("pressure", "pressure"),
        spec("temperature", "temperature"),
        spec("antechamber_cycle", "time"),
        spec("antechamber_capacity", "count"),
    ]
}

/// Environments declared anywhere in the file (a protocol's are visible to all: an
/// environment is a room of the lab, not of a recipe). A built-in name may be declared
/// to set its figures (`environment dry_room { dew_point: -40 degC }`); a new one must
/// say its `atmosphere`.
fn declare_environments(library: &mut Library, file: &ast::File, diagnostics: &mut Vec<Diagnostic>) {
    let declarations = file.items.iter().flat_map(|item| match item {
        Item::Environment(environment) => vec![environment],
        Item::Protocol(protocol) => protocol
            .items
            .iter()
            .filter_map(|p| {
                if let ast::ProtocolItem::Environment(e) = p {
                    Some(e)
                } else {
                    None
                }
            })
            .collect(),
        _ => Vec::new(),
    });
    let mut seen: Vec<&Name> = Vec::new();
    for environment in declarations {
        let name = &environment.name;
        if let Some(first) = seen.iter().find(|n| n.text == name.text) {
            diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_DEFINITION,
                    format!("environment `{}` is defined twice", name.text),
                    name.span,
                    "redefined here",
                )
                .with_label(first.span, "first defined here")
                .with_help("keep one declaration per environment"),
            );
            continue;
        }
        seen.push(name);
        let atmosphere_param = environment.params.iter().find(|p| p.key.text == "atmosphere");
        let others: Vec<ast::Param> = environment
            .params
            .iter()
            .filter(|p| p.key.text != "atmosphere")
            .cloned()
            .collect();
        let values = bind_params(
            ParamTarget::Declaration("environment"),
            &environment_params(),
            &others,
            &[],
            Some(name.span),
            diagnostics,
        );
        let builtin = library.environments.get(&*name.text).cloned();
        let atmosphere = match atmosphere_param.map(|p| &p.value) {
            Some(ast::Value::Name(word)) => choice(word, Atmosphere::NAMES, "atmosphere", diagnostics),
            Some(other) => {
                diagnostics.push(
                    Diagnostic::new(
                        codes::INVALID_VALUE,
                        "an atmosphere is `inert`, `dry`, `vacuum` or `ambient`",
                        other.span(),
                        "not an atmosphere",
                    )
                    .with_help("write for example `atmosphere: dry`"),
                );
                None
            }
            None => None,
        };
        // A built-in environment keeps its atmosphere: `environment air { atmosphere: inert }`
        // would silence every check that protects Li from air.
        if let (Some(builtin), Some(chosen), Some(param)) = (&builtin, atmosphere, atmosphere_param)
            && builtin.atmosphere != chosen
        {
            diagnostics.push(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    format!("the built-in environment `{}` cannot change its atmosphere", name.text),
                    param.value.span(),
                    "a different atmosphere",
                )
                .with_help(
                    "declare an environment of your own, as in `environment my_box { atmosphere: inert }`".to_string(),
                ),
            );
        }
        let atmosphere = match builtin.as_ref().map(|b| b.atmosphere).or(atmosphere) {
            Some(atmosphere) => atmosphere,
            None => {
                if atmosphere_param.is_none() {
                    diagnostics.push(
                        Diagnostic::new(
                            codes::MISSING_PARAMETER,
                            format!("environment `{}` does not say what atmosphere it has", name.text),
                            name.span,
                            "needs an `atmosphere`",
                        )
                        .with_help("add `atmosphere: inert`, `dry`, `vacuum` or `ambient`")
                        .with_note("the atmosphere decides what bare lithium meets there"),
                    );
                }
                // Still declared, so that tools standing in it are not unknown too.
                Atmosphere::Unknown
            }
        };
        let h2o_ppm = values
            .get("h2o")
            .map(|v| v.si * 1e6)
            .or(builtin.as_ref().and_then(|b| b.h2o_ppm));
        // A lab's own room gets the antechamber of the built-in room with its atmosphere,
        // unless it says otherwise; a cycle of 0 means it is entered directly.
        let typical = builtin.clone().or_else(|| {
            library
                .environments
                .values()
                .find(|e| e.atmosphere == atmosphere && e.note != DECLARED)
                .cloned()
        });
        // ... and the gases of that room.
        let contains = typical.as_ref().map(|t| t.contains.clone()).unwrap_or_default();
        let typical_antechamber = typical.and_then(|t| t.antechamber);
        let cycle_s = values
            .get("antechamber_cycle")
            .map(|v| v.si)
            .or(typical_antechamber.map(|a| a.cycle_s));
        // `bind` has checked that a count is a whole number of at least 1.
        let capacity = values
            .get("antechamber_capacity")
            .map(|v| v.si.min(f64::from(u32::MAX)) as u32)
            .or(typical_antechamber.map(|a| a.capacity))
            .unwrap_or(1);
        let antechamber = cycle_s
            .filter(|&cycle_s| cycle_s > 0.0)
            .map(|cycle_s| Antechamber { cycle_s, capacity });
        let temperature_k = values.get("temperature").map(|v| v.si);
        let note = builtin.map_or_else(|| DECLARED.to_owned(), |b| b.note);
        library.environments.insert(
            name.text.to_string(),
            EnvironmentSpec {
                name: name.text.to_string(),
                atmosphere,
                h2o_ppm,
                note,
                antechamber,
                temperature_k,
                contains,
            },
        );
    }
}

/// The note of an environment the recipe declares.
const DECLARED: &str = "declared in the recipe";

/// Reports a name that is already taken (built in, or declared earlier in the file).
fn redeclares(name: &Name, taken: bool, kind: &str, diagnostics: &mut Vec<Diagnostic>) -> bool {
    if taken {
        diagnostics.push(
            Diagnostic::new(
                codes::DUPLICATE_DEFINITION,
                format!("{kind} `{}` is already defined", name.text),
                name.span,
                "redefined here",
            )
            .with_help(format!(
                "give your {kind} a name of its own; built-in ones are listed in `data/`"
            )),
        );
    }
    taken
}

fn placeholder(verb: &str) -> Operation {
    Operation {
        verb: verb.into(),
        family: "user".to_owned(),
        effect: Effect::Rest,
        reagent: ReagentKind::None,
        reagent_optional: false,
        mechanical: false,
        wets: false,
        molten_li: false,
        tool_kinds: Vec::new(),
        params: Vec::new(),
        note: String::new(),
        default_time_s: None,
    }
}

/// One value out of a fixed list, with a suggestion when it is not one of them.
pub(super) fn choice<T: Copy>(
    value: &Name,
    choices: &[(&str, T)],
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    if let Some((_, chosen)) = choices.iter().find(|(name, _)| *name == value.text) {
        return Some(*chosen);
    }
    let names: Vec<String> = choices.iter().map(|(name, _)| format!("`{name}`")).collect();
    let article = suggest::article(what);
    let diagnostic = Diagnostic::new(
        codes::INVALID_VALUE,
        format!("`{}` is not {article} {what}", value.text),
        value.span,
        format!("not {article} {what}"),
    );
    let candidates = choices.iter().map(|(name, _)| *name);
    diagnostics.push(
        suggest::did_you_mean(diagnostic, what, &value.text, value.span, candidates)
            .with_note(format!("the choices are {}", names.join(", "))),
    );
    None
}

const YES_NO: &[(&str, bool)] = &[("yes", true), ("no", false)];

/// The single value of a field that takes one.
pub(super) fn single<'a, 'src>(
    key: &Name,
    values: &'a [Value<'src>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'a Value<'src>> {
    if let [value] = values {
        return Some(value);
    }
    let extra = values.get(1).map_or(key.span, Value::span);
    diagnostics.push(
        Diagnostic::new(
            codes::INVALID_VALUE,
            format!("`{}` takes one value", key.text),
            extra,
            "more than one value",
        )
        .with_help("keep one value"),
    );
    None
}

/// The single value of a field that takes a name (a word or a string).
pub(super) fn single_name<'a, 'src>(
    key: &Name,
    values: &'a [Value<'src>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'a Name<'src>> {
    single(key, values, diagnostics).and_then(|value| expect_name(key, value, diagnostics))
}

/// The single name of a field, as text.
pub(super) fn text(key: &Name, values: &[Value], diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    single_name(key, values, diagnostics).map(|name| name.text.to_string())
}

/// The names of a field that takes a list, as text.
pub(super) fn texts(key: &Name, values: &[Value], diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    names(key, values, diagnostics)
        .iter()
        .map(|name| name.text.to_string())
        .collect()
}

/// The values of a field that takes a list of names.
pub(super) fn names<'a, 'src>(
    key: &Name,
    values: &'a [Value<'src>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'a Name<'src>> {
    values
        .iter()
        .filter_map(|value| expect_name(key, value, diagnostics))
        .collect()
}

fn expect_name<'a, 'src>(
    key: &Name,
    value: &'a Value<'src>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'a Name<'src>> {
    if let Value::Name(name) = value {
        return Some(name);
    }
    diagnostics.push(
        Diagnostic::new(
            codes::INVALID_VALUE,
            format!("`{}` takes a name, not a number", key.text),
            value.span(),
            "a number here",
        )
        .with_help(format!("write a name after `{}:`", key.text)),
    );
    None
}

pub(super) fn unknown_field(key: &Name, fields: &[&str], owner: &str, diagnostics: &mut Vec<Diagnostic>) {
    let listed: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    let diagnostic = Diagnostic::new(
        codes::UNKNOWN_PARAMETER,
        format!("{owner} has no field `{}`", key.text),
        key.span,
        "unknown field",
    );
    diagnostics.push(
        suggest::did_you_mean(diagnostic, "field", &key.text, key.span, fields.iter().copied())
            .with_note(format!("the fields are {}, and `param name: unit`", listed.join(", "))),
    );
}

fn lower_operation(decl: &BlockDecl, library: &Library, diagnostics: &mut Vec<Diagnostic>) -> Operation {
    const FIELDS: &[&str] = &[
        "effect",
        "reagent",
        "reagent_optional",
        "mechanical",
        "wets",
        "tools",
        "family",
        "note",
    ];
    let mut operation = placeholder(&decl.name.text);
    let mut effect_given = false;
    for entry in &decl.entries {
        match entry {
            DeclEntry::Param {
                name, unit, required, ..
            } => {
                if operation.params.iter().any(|p| *p.name == *name.text) {
                    diagnostics.push(
                        Diagnostic::new(
                            codes::DUPLICATE_PARAMETER,
                            format!("parameter `{}` is declared twice", name.text),
                            name.span,
                            "second declaration",
                        )
                        .with_help("keep one declaration"),
                    );
                    continue;
                }
                match parse_unit(&unit.text) {
                    Ok(parsed) => operation.params.push(ParamSpec {
                        name: name.text.as_ref().into(),
                        dimension: parsed.dimension,
                        required: *required,
                        by_dimension: true,
                    }),
                    Err(unknown) => {
                        let diagnostic = Diagnostic::new(
                            codes::UNKNOWN_UNIT,
                            format!("unknown unit `{}`", unknown.symbol),
                            unit.span,
                            "not a unit",
                        );
                        diagnostics.push(unknown.suggest(diagnostic, unit.span).with_note(format!(
                            "a parameter's unit gives its dimension, as in `param {}: nm`",
                            name.text
                        )));
                    }
                }
            }
            DeclEntry::Field { key, values } => match key.text.as_ref() {
                "effect" => {
                    effect_given = true;
                    if let Some(effect) = single_name(key, values, diagnostics)
                        .and_then(|v| choice(v, Effect::NAMES, "effect kind", diagnostics))
                    {
                        operation.effect = effect;
                    }
                }
                "reagent" => {
                    if let Some(kind) = single_name(key, values, diagnostics)
                        .and_then(|v| choice(v, ReagentKind::NAMES, "reagent kind", diagnostics))
                    {
                        operation.reagent = kind;
                    }
                }
                "reagent_optional" | "mechanical" | "wets" => {
                    if let Some(flag) =
                        single_name(key, values, diagnostics).and_then(|v| choice(v, YES_NO, "yes or no", diagnostics))
                    {
                        match key.text.as_ref() {
                            "reagent_optional" => operation.reagent_optional = flag,
                            "mechanical" => operation.mechanical = flag,
                            _ => operation.wets = flag,
                        }
                    }
                }
                "tools" => {
                    for value in names(key, values, diagnostics) {
                        if library.tool_kinds.contains_key(&*value.text) {
                            operation.tool_kinds.push(value.text.to_string());
                        } else {
                            unknown_tool_kind(value, library, diagnostics);
                        }
                    }
                }
                "family" => {
                    if let Some(value) = text(key, values, diagnostics) {
                        operation.family = value;
                    }
                }
                "note" => {
                    if let Some(value) = text(key, values, diagnostics) {
                        operation.note = value;
                    }
                }
                _ => unknown_field(key, FIELDS, "an operation", diagnostics),
            },
        }
    }
    if !effect_given {
        let names: Vec<String> = Effect::NAMES.iter().map(|(name, _)| format!("`{name}`")).collect();
        diagnostics.push(
            Diagnostic::new(
                codes::MISSING_PARAMETER,
                format!("operation `{}` does not say what it does to the foil", decl.name.text),
                decl.name.span,
                "needs an `effect`",
            )
            .with_help("add `effect: deposit` (or another effect kind)")
            .with_note(format!("the effect kinds are {}", names.join(", "))),
        );
    }
    operation
}

fn unknown_tool_kind(value: &Name, library: &Library, diagnostics: &mut Vec<Diagnostic>) {
    let kinds = library.tool_kinds.keys().map(String::as_str);
    diagnostics.push(
        suggest::unknown(codes::UNKNOWN_TOOL_KIND, "tool kind", &value.text, value.span, kinds).or_help(format!(
            "declare it: `tool_kind {} {{ environments: glovebox }}`",
            value.text
        )),
    );
}

fn lower_tool_kind(decl: &BlockDecl, library: &Library, diagnostics: &mut Vec<Diagnostic>) -> ToolKind {
    const FIELDS: &[&str] = &["operations", "environments", "note"];
    let mut kind = ToolKind {
        kind: decl.name.text.to_string(),
        environments: Vec::new(),
        operations: Vec::new(),
        note: String::new(),
        // A lab's own kind ramps with the samples inside unless its tools say otherwise:
        // the longer plan of the two.
        heat_up: HeatUp::Inside,
    };
    for entry in &decl.entries {
        match entry {
            DeclEntry::Field { key, values } if key.text == "operations" => {
                for value in names(key, values, diagnostics) {
                    if library.operations.contains_key(&*value.text) {
                        kind.operations.push(value.text.to_string());
                    } else {
                        let verbs = library.operations.keys().map(String::as_str);
                        diagnostics.push(suggest::unknown(codes::UNKNOWN_OPERATION, "operation", &value.text, value.span, verbs));
                    }
                }
            }
            DeclEntry::Field { key, values } if key.text == "environments" => {
                for value in names(key, values, diagnostics) {
                    if library.environments.contains_key(&*value.text) {
                        kind.environments.push(value.text.to_string());
                    } else {
                        let names = library.environments.keys().map(String::as_str);
                        diagnostics.push(suggest::unknown(codes::UNKNOWN_ENVIRONMENT, "environment", &value.text, value.span, names));
                    }
                }
            }
            DeclEntry::Field { key, values } if key.text == "note" => {
                if let Some(value) = text(key, values, diagnostics) {
                    kind.note = value;
                }
            }
            DeclEntry::Field { key, .. } => unknown_field(key, FIELDS, "a tool kind", diagnostics),
            DeclEntry::Param { name, .. } => diagnostics.push(
                Diagnostic::new(codes::UNKNOWN_PARAMETER, "a tool kind has no parameters", name.span, "parameters belong to operations")
                    .with_help("declare parameters in the `operation`; tools set `capacity`, `pump_down` and `ramp` where they are declared"),
            ),
        }
    }
    if kind.environments.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                codes::MISSING_PARAMETER,
                format!("tool kind `{}` does not say where it can stand", decl.name.text),
                decl.name.span,
                "needs `environments`",
            )
            .with_help("add `environments: glovebox` (or `dry_room`, `vacuum`, `air`)"),
        );
    }
    kind
}
