//! How long a step takes one sample, when its parameters say: the stated time, else
//! thickness / rate, cycles x time per cycle, layers x time per layer, or for an
//! electrochemical step the charge over the current for every half cycle.

use super::context::Ctx;
use super::electrochem;
use crate::sema::library::Effect;

pub fn duration(ctx: &Ctx) -> Option<f64> {
    let param = |name: &str| ctx.step.param(name);
    if matches!(ctx.effect(), Effect::Electrochemical | Effect::Strip) {
        return param("time").or_else(|| electrochem::duration(ctx));
    }
    param("time").or_else(|| match ctx.effect() {
        Effect::Deposit => Some(param("thickness")? / param("rate").filter(|r| *r > 0.0)?),
        Effect::Cycles => Some(param("cycles")? * param("time_per_cycle")?),
        Effect::LangmuirBlodgett => Some(param("layers")? * param("time_per_layer")?),
        _ => None,
    })
}
