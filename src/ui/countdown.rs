//! The countdown, visible on every screen. It ticks every second from the
//! server's deadline (skew-corrected, see `flow::countdown`), turns into a
//! warning from five minutes, and reports the end once.

use crate::flow::countdown::{crossed_mark, format_mmss, is_warning, Deadline};
use crate::i18n::{t, Key};
use gloo::timers::callback::Interval;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CountdownProps {
    pub deadline: Deadline,
    pub on_expire: Callback<()>,
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

#[function_component(Countdown)]
pub fn countdown(p: &CountdownProps) -> Html {
    let remaining = use_state(|| p.deadline.remaining_ms(now()));
    let announce = use_state(String::new);
    {
        let remaining = remaining.clone();
        let announce = announce.clone();
        let on_expire = p.on_expire.clone();
        use_effect_with(p.deadline, move |deadline| {
            let deadline = *deadline;
            let mut last = deadline.remaining_ms(now());
            let mut fired = false;
            let tick = move || {
                let left = deadline.remaining_ms(now());
                if let Some(m) = crossed_mark(last, left) {
                    announce.set(crate::i18n::minutes_left(m));
                }
                last = left;
                remaining.set(left);
                if left == 0 && !fired {
                    fired = true;
                    on_expire.emit(());
                }
            };
            let mut tick = tick;
            tick();
            // Dropping the handle at unmount cancels the timer.
            let handle = Interval::new(250, tick);
            move || drop(handle)
        });
    }
    let warn = is_warning(*remaining);
    let class = if warn { "countdown warning" } else { "countdown" };
    html! {
        <div class={class}>
            <span class="label">{ t(Key::TimeLeft) }</span>
            <span class="time" role="timer" aria-live="off" data-testid="countdown">{ format_mmss(*remaining) }</span>
            if warn {
                <span class="warn-text">{ t(Key::TimeWarning) }</span>
            }
            <span class="visually-hidden" aria-live="polite">{ (*announce).clone() }</span>
        </div>
    }
}
