//! Binding quantities to parameters by dimension.
//!
//! `sputter MoS2 10 nm at 0.5 nm/min`: a length can only be the thickness and a rate only
//! the rate, so operands may come in any order. Named values (`{ rate: 0.5 nm/min }`)
//! bind first; each bare quantity then takes the one unbound parameter of its dimension.
//! Anything else is an error that shows the operation's signature.

use std::sync::Arc;

use super::library::{Operation, ParamSpec};
use super::program::{Params, Value};
use super::units::{Dimension, WrittenUnit, parse_unit, trim_number};
use crate::diagnostics::{Diagnostic, codes, suggest};
use crate::span::Span;
use crate::syntax::ast;

/// What the parameters belong to, for the wording of diagnostics.
#[derive(Clone, Copy)]
pub enum ParamTarget<'a> {
    Operation(&'a Operation),
    /// A `tool`, `substrate` or `environment` declaration.
    Declaration(&'static str),
}

impl ParamTarget<'_> {
    fn owner(self) -> String {
        match self {
            ParamTarget::Operation(operation) => format!("`{}`", operation.verb),
            ParamTarget::Declaration(kind) => format!("a {kind}"),
        }
    }

    fn signature_note(self, specs: &[ParamSpec]) -> String {
        let signature = match self {
            ParamTarget::Operation(operation) => operation.signature(),
            ParamTarget::Declaration(kind) => {
                let params: Vec<String> = specs.iter().map(|p| format!("{}: {}", p.name, p.dimension)).collect();
                return format!("the parameters are `{kind} {{ {} }}`, all optional", params.join(", "));
            }
        };
        format!("the parameters are `{signature}` (`?` marks optional ones)")
    }
}

/// Converts a written quantity to SI, reporting an unknown unit or an impossible value.
pub fn quantity_value(quantity: &ast::Quantity, diagnostics: &mut Vec<Diagnostic>) -> Option<Value> {
    // An unreadable number was reported by the lexer.
    if !quantity.value.is_finite() {
        return None;
    }
    // Nor a rate with no unit before `per` (`0.5 per min`, E0111).
    if quantity
        .unit
        .text
        .strip_prefix("per")
        .is_some_and(|rest| rest.starts_with(char::is_whitespace))
    {
        return None;
    }
    let unit = match parse_unit(&quantity.unit.text) {
        Ok(unit) => unit,
        Err(unknown) => {
            // Point at the unknown part of `nm/mni`, not the whole unit.
            let diagnostic = Diagnostic::new(
                codes::UNKNOWN_UNIT,
                format!("unknown unit `{}`", unknown.symbol),
                unknown.span(quantity.unit.span),
                "not a unit",
            );
            diagnostics.push(
                unknown
                    .suggest(diagnostic, quantity.unit.span)
                    .with_note("the units are listed in `spec/language.md`"),
            );
            return None;
        }
    };
    let si = unit.to_si(quantity.value);
    let temperature = const { Dimension::called("temperature") } == unit.dimension;
    // Temperatures are absolute here, so one rule covers "below absolute zero" too. A
    // formation energy is the one quantity that is negative as a rule.
    let signed = const { Dimension::called("molar energy") } == unit.dimension;
    if si < 0.0 && !signed {
        let (message, help) = if temperature {
            let help = (quantity.unit.text == "K").then(|| {
                format!(
                    "kelvin start at absolute zero; for Celsius write `{} degC`",
                    quantity.value
                )
            });
            (
                format!("`{} {}` is below absolute zero", quantity.value, quantity.unit.text),
                help,
            )
        } else {
            (format!("a {} cannot be negative", unit.dimension), None)
        };
        diagnostics.push(
            Diagnostic::new(codes::INVALID_VALUE, message, quantity.span, "impossible value").with_help_opt(help),
        );
        return None;
    }
    Some(Value {
        si,
        dimension: unit.dimension,
        unit: WrittenUnit::of(&quantity.unit.text),
        span: quantity.span,
    })
}

/// `a`, `a or b`, `a, b or c`.
fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A bare number is a count (`capacity: 4`) or a plain fraction; anything else needs a unit.
fn number_value(
    number: &ast::Number,
    spec: &ParamSpec,
    target: ParamTarget,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Value> {
    if !number.value.is_finite() {
        return None;
    }
    let unitless = [
        const { Dimension::called("count") },
        const { Dimension::called("area ratio") },
        Dimension::NONE,
    ];
    if unitless.contains(&spec.dimension) {
        return Some(Value {
            si: number.value,
            dimension: spec.dimension,
            unit: None,
            span: number.span,
        });
    }
    diagnostics.push(
        Diagnostic::new(
            codes::DIMENSION_MISMATCH,
            format!(
                "expected a {} for `{}`, found a number without a unit",
                spec.dimension, spec.name
            ),
            number.span,
            "no unit",
        )
        .with_help(format!(
            "add the unit, as in `{}: {}`",
            spec.name,
            example_of(spec.dimension)
        ))
        .with_note(target.signature_note(std::slice::from_ref(spec))),
    );
    None
}

/// An example quantity of a dimension, for help lines.
fn example_of(dimension: Dimension) -> &'static str {
    const EXAMPLES: &[(&str, &str)] = &[
        ("length", "10 nm"),
        ("time", "10 min"),
        ("temperature", "25 degC"),
        ("pressure", "10 MPa"),
        ("power", "50 W"),
        ("rate", "0.5 nm/min"),
        ("area", "1 cm2"),
        ("temperature ramp", "5 degC/min"),
        ("current density", "1 mA/cm2"),
        ("areal capacity", "1 mAh/cm2"),
        ("growth per cycle", "0.1 nm/cycle"),
        ("rotation speed", "3000 rpm"),
        ("gas flow", "20 sccm"),
        ("voltage", "1 V"),
        ("count", "5 cycles"),
        ("time per cycle", "30 s/cycle"),
        ("mass fraction", "5 wt%"),
    ];
    EXAMPLES
        .iter()
        .find(|(name, _)| Dimension::named(name) == Some(dimension))
        .map_or("1 ...", |(_, example)| example)
}

/// The ranges every value of a dimension must respect, whatever the operation: counts
/// are whole and at least 1, fractions at most 100 %, other amounts above zero.
/// Temperatures (already checked against absolute zero) may be anything above.
fn check_range(
    target: ParamTarget,
    specs: &[ParamSpec],
    spec: &ParamSpec,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let dimension = spec.dimension;
    let problem = if dimension == const { Dimension::called("count") } {
        (value.si < 1.0 || value.si.fract() != 0.0).then(|| {
            format!(
                "`{}` is a whole number of at least 1, not {}",
                spec.name,
                trim_number(value.si)
            )
        })
    } else if [
        const { Dimension::called("mass fraction") },
        const { Dimension::called("volume fraction") },
        const { Dimension::called("fraction") },
    ]
    .contains(&dimension)
    {
        (value.si > 1.0).then(|| format!("`{}` is a fraction of at most 100 %", spec.name))
    } else if dimension == const { Dimension::called("temperature") } {
        None
    } else if dimension == const { Dimension::called("area ratio") } {
        (value.si < 1.0).then(|| {
            format!(
                "`{}` is the real surface per projected area, at least 1, not {}",
                spec.name,
                trim_number(value.si)
            )
        })
    } else {
        (value.si <= 0.0).then(|| format!("`{}` must be more than zero", spec.name))
    };
    let Some(message) = problem else { return true };
    let help = if dimension == const { Dimension::called("area ratio") } {
        "a flat foil has 1 (the default); a patterned one more: its real surface divided by its projected area"
    } else if dimension == const { Dimension::called("count") } {
        "counts (cycles, layers, passes, samples) are whole numbers"
    } else if [
        const { Dimension::called("mass fraction") },
        const { Dimension::called("volume fraction") },
        const { Dimension::called("fraction") },
    ]
    .contains(&dimension)
    {
        "a fraction is written between 0 and 100 %"
    } else {
        "a step cannot take no time or make a layer of no thickness; remove the value or give a positive one"
    };
    diagnostics.push(
        Diagnostic::new(codes::INVALID_VALUE, message, value.span, "out of range")
            .with_help(help)
            .with_note(target.signature_note(specs)),
    );
    false
}

pub fn bind_params(
    target: ParamTarget,
    specs: &[ParamSpec],
    explicit: &[ast::Param],
    quantities: &[ast::Quantity],
    anchor: Option<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Params {
    let mut bound = Params::default();
    // Parameters that were given a value, valid or not: an invalid value is reported
    // where it is, and the parameter is not reported missing on top of it.
    let mut given: Vec<Arc<str>> = Vec::new();
    for param in explicit {
        let Some(spec) = specs.iter().find(|spec| *spec.name == *param.key.text) else {
            let diagnostic = Diagnostic::new(
                codes::UNKNOWN_PARAMETER,
                format!("{} has no parameter `{}`", target.owner(), param.key.text),
                param.key.span,
                "unknown parameter",
            )
            .with_note(target.signature_note(specs));
            diagnostics.push(suggest::did_you_mean(
                diagnostic,
                "parameter",
                &param.key.text,
                param.key.span,
                specs.iter().map(|s| &*s.name),
            ));
            continue;
        };
        given.push(spec.name.clone());
        if let Some(first) = bound.get(&spec.name) {
            diagnostics.push(
                Diagnostic::new(
                    codes::DUPLICATE_PARAMETER,
                    format!("`{}` is given twice", spec.name),
                    param.key.span,
                    "second value",
                )
                .with_label(first.span, "first value")
                .with_help("keep one value"),
            );
            continue;
        }
        let value = match &param.value {
            ast::Value::Quantity(quantity) => quantity_value(quantity, diagnostics),
            ast::Value::Number(number) => number_value(number, spec, target, diagnostics),
            ast::Value::Name(name) if spec.dimension == const { Dimension::called("yes or no") } => {
                match name.text.as_ref() {
                    "yes" | "no" => Some(Value {
                        si: if name.text == "yes" { 1.0 } else { 0.0 },
                        dimension: spec.dimension,
                        unit: None,
                        span: name.span,
                    }),
                    _ => {
                        diagnostics.push(
                            Diagnostic::new(
                                codes::INVALID_VALUE,
                                format!("`{}` takes `yes` or `no`, not `{}`", spec.name, name.text),
                                name.span,
                                "not yes or no",
                            )
                            .with_help(format!("write `{}: yes`", spec.name)),
                        );
                        None
                    }
                }
            }
            ast::Value::Name(name) => {
                diagnostics.push(
                    Diagnostic::new(
                        codes::DIMENSION_MISMATCH,
                        format!(
                            "expected a {} for `{}`, found the name `{}`",
                            spec.dimension, spec.name, name.text
                        ),
                        name.span,
                        "a name, not a quantity",
                    )
                    .with_help(format!(
                        "write a quantity, as in `{}: {}`",
                        spec.name,
                        example_of(spec.dimension)
                    )),
                );
                None
            }
        };
        let Some(value) = value else { continue };
        if value.dimension != spec.dimension {
            diagnostics.push(
                Diagnostic::new(
                    codes::DIMENSION_MISMATCH,
                    format!(
                        "expected a {} for `{}`, found a {}",
                        spec.dimension, spec.name, value.dimension
                    ),
                    value.span,
                    format!("this is a {}", value.dimension),
                )
                .with_label(param.key.span, format!("`{}` is a {}", spec.name, spec.dimension))
                .with_help(format!(
                    "write a {}, as in `{}: {}`",
                    spec.dimension,
                    spec.name,
                    example_of(spec.dimension)
                )),
            );
            continue;
        }
        if check_range(target, specs, spec, &value, diagnostics) {
            bound.insert(spec.name.clone(), value);
        }
    }
    let mut unbindable: Vec<Value> = Vec::new();
    // A quantity that could not be read (already reported) may have been meant for any
    // parameter: none is reported missing then.
    let mut unreadable = false;
    for quantity in quantities {
        let Some(value) = quantity_value(quantity, diagnostics) else {
            unreadable = true;
            continue;
        };
        let candidates: Vec<&ParamSpec> = specs
            .iter()
            .filter(|s| s.by_dimension && s.dimension == value.dimension)
            .collect();
        let free: Vec<&&ParamSpec> = candidates.iter().filter(|s| !bound.contains_key(&s.name)).collect();
        match free.as_slice() {
            [spec] => {
                given.push(spec.name.clone());
                if check_range(target, specs, spec, &value, diagnostics) {
                    bound.insert(spec.name.clone(), value);
                }
            }
            [] if candidates.is_empty() => unbindable.push(value),
            [] => {
                let first_span = bound.get(&candidates[0].name).map_or(value.span, |first| first.span);
                diagnostics.push(
                    Diagnostic::new(
                        codes::AMBIGUOUS_QUANTITY,
                        format!(
                            "{} already has a {} (`{}`)",
                            target.owner(),
                            value.dimension,
                            candidates[0].name
                        ),
                        value.span,
                        format!("a second {}", value.dimension),
                    )
                    .with_label(first_span, format!("`{}` is set here", candidates[0].name))
                    .with_help("remove one of them"),
                );
            }
            several => {
                let names: Vec<String> = several.iter().map(|s| format!("`{}`", s.name)).collect();
                diagnostics.push(
                    Diagnostic::new(
                        codes::AMBIGUOUS_QUANTITY,
                        format!(
                            "a {} could be {} of {}",
                            value.dimension,
                            join_or(&names),
                            target.owner()
                        ),
                        value.span,
                        "which parameter?",
                    )
                    .with_help(format!(
                        "name it in the step's block, as in `{{ {}: ... }}`",
                        several[0].name
                    )),
                );
            }
        }
    }
    let missing: Vec<&ParamSpec> = specs
        .iter()
        .filter(|s| s.required && !given.contains(&s.name))
        .collect();
    for value in &unbindable {
        // With a required parameter still empty, the quantity was most likely meant for it.
        let diagnostic = if let Some(wanted) = missing.first() {
            Diagnostic::new(
                codes::DIMENSION_MISMATCH,
                format!(
                    "expected a {} for `{}` of {}, found a {}",
                    wanted.dimension,
                    wanted.name,
                    target.owner(),
                    value.dimension
                ),
                value.span,
                format!("expected a {}, found a {}", wanted.dimension, value.dimension),
            )
            .with_help(format!(
                "give the {} as a {}, as in `{}`",
                wanted.name,
                wanted.dimension,
                example_of(wanted.dimension)
            ))
        } else {
            Diagnostic::new(
                codes::SURPLUS_QUANTITY,
                format!("{} takes no {}", target.owner(), value.dimension),
                value.span,
                "no parameter takes this",
            )
            .with_help("remove it")
        };
        diagnostics.push(diagnostic.with_note(target.signature_note(specs)));
    }
    if let (true, false, Some(anchor)) = (unbindable.is_empty(), unreadable, anchor) {
        for spec in missing {
            diagnostics.push(missing_parameter(target, spec, specs, anchor));
        }
    }
    bound.shrink_to_fit();
    bound
}

/// `anchor` is where the parameter is missing: the verb of a step, the name of a declaration.
fn missing_parameter(target: ParamTarget, spec: &ParamSpec, specs: &[ParamSpec], span: Span) -> Diagnostic {
    Diagnostic::new(
        codes::MISSING_PARAMETER,
        format!("{} needs a {} (`{}`)", target.owner(), spec.dimension, spec.name),
        span,
        format!("no {} given", spec.name),
    )
    .with_help(format!("add it, as in `{}`", example_of(spec.dimension)))
    .with_note(target.signature_note(specs))
}
