//! Generated procedures whose paths are known by construction, shared by
//! the path analysis's own tests, the integration tests and the
//! benchmarks, so that all three measure the same shapes.

use std::fmt::Write;

/// `s0` forks into `a1 | b1`; each `aN`, `bN` into `a(N+1) | b(N+1)`; the
/// last pair goes back to `s0`, which may also close the case: 2^layers
/// paths a loop. `a` steps take 3 working days, `b` steps 5, `s0` 2.
/// `limit` is put in the header as written (`""` for none).
#[doc(hidden)]
pub fn ladder(layers: usize, limit: &str) -> String {
    let mut text = format!(
        "procedure ladder \"Ladder\" {{\n  role m \"M\"\n{limit}  start s0\n  step s0 \"S0\" {{\n    lead m\n    deadline reply 2 working days\n    on left -> a1\n    on right -> b1\n    on done -> closed\n  }}\n"
    );
    for n in 1..=layers {
        for (x, days) in [("a", 3), ("b", 5)] {
            let ways = if n < layers {
                format!("on left -> a{0}\n    on right -> b{0}", n + 1)
            } else {
                "on back -> s0".to_string()
            };
            let _ = write!(
                text,
                "  step {x}{n} \"{x}{n}\" {{\n    lead m\n    deadline reply {days} working days\n    {ways}\n  }}\n"
            );
        }
    }
    text.push_str("  outcome closed \"Closed\"\n}\n");
    text
}

/// `s1 -> s2 -> … -> sN -> closed`, and each step after the first may go
/// back to the one before; each step has 1 working day.
#[doc(hidden)]
pub fn back_chain(steps: usize) -> String {
    let mut text = String::from("procedure chain \"Chain\" {\n  role m \"M\"\n  start s1\n");
    for n in 1..=steps {
        let next = if n < steps {
            format!("s{}", n + 1)
        } else {
            "closed".into()
        };
        let back = if n > 1 {
            format!("\n    on back -> s{}", n - 1)
        } else {
            String::new()
        };
        let _ = write!(
            text,
            "  step s{n} \"S{n}\" {{\n    lead m\n    deadline reply 1 working day\n    on next -> {next}{back}\n  }}\n"
        );
    }
    text.push_str("  outcome closed \"Closed\"\n}\n");
    text
}
