//! Property tests of the pure core: the status rules and locale number formatting hold for all
//! inputs, not just the hand-picked boundaries of the unit tests.

use proptest::prelude::*;
use tiendo::model::{Direction, Target};
use tiendo::period::Period;
use tiendo::status::{Status, judge_final, judge_partial, pro_rata};
use tiendo::theme::builtin_lang;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![-1e6..1e6f64, (-1000i64..1000).prop_map(|i| i as f64 / 10.0)]
}

fn parse_back(text: &str, group: &str, decimal: &str) -> f64 {
    let plain = text.replace(group, "").replace(decimal, ".");
    plain
        .parse()
        .unwrap_or_else(|_| panic!("`{text}` is not a formatted number"))
}

proptest! {
    #[test]
    fn bounds_are_met_exactly_on_their_side(b in value(), v in value()) {
        let h = Direction::Higher;
        prop_assert_eq!(judge_final(Target::AtLeast(b), h, v, None) == Status::Achieved, v >= b);
        prop_assert_eq!(judge_final(Target::MoreThan(b), h, v, None) == Status::Achieved, v > b);
        let l = Direction::Lower;
        prop_assert_eq!(judge_final(Target::AtMost(b), l, v, None) == Status::Achieved, v <= b);
        prop_assert_eq!(judge_final(Target::LessThan(b), l, v, None) == Status::Achieved, v < b);
    }

    #[test]
    fn ranges_judge_by_position_and_direction(a in value(), b in value(), v in value(), higher in any::<bool>()) {
        let (min, max) = if a <= b { (a, b) } else { (b, a) };
        let better = if higher { Direction::Higher } else { Direction::Lower };
        let s = judge_final(Target::Range { min, max }, better, v, None);
        let expected = if v < min {
            if higher { Status::NotAchieved } else { Status::BetterThanTarget }
        } else if v > max {
            if higher { Status::BetterThanTarget } else { Status::NotAchieved }
        } else {
            Status::Achieved
        };
        prop_assert_eq!(s, expected);
    }

    #[test]
    fn partial_values_are_never_final(b in value(), v in value(), tol in 0.0..0.5f64) {
        for t in [Target::AtLeast(b), Target::LessThan(b), Target::Exactly(b), Target::Range { min: b, max: b + 1.0 }] {
            let s = judge_partial(t, Direction::Higher, v, None, tol);
            prop_assert!(matches!(s, Status::OnTrack | Status::AtRisk | Status::Behind), "{:?} gave {:?}", t, s);
        }
    }

    #[test]
    fn a_better_value_never_gets_a_worse_status(b in value(), v in value(), d in 0.0..1e4f64) {
        let rank = |s: Status| match s { Status::OnTrack => 0, Status::AtRisk => 1, _ => 2 };
        let t = Target::AtLeast(b);
        let worse = judge_partial(t, Direction::Higher, v, None, 0.1);
        let better = judge_partial(t, Direction::Higher, v + d, None, 0.1);
        prop_assert!(rank(better) <= rank(worse));
    }

    #[test]
    fn the_whole_year_of_a_pro_rata_path_is_the_target(b in value(), n in 0.0..1e5f64) {
        prop_assert_eq!(pro_rata(Target::AtLeast(b), 1.0), Target::AtLeast(b));
        prop_assert_eq!(pro_rata(Target::Increase(n), 1.0), Target::Increase(n));
    }

    #[test]
    fn numbers_format_and_read_back(v in -1e12..1e12f64) {
        for (code, group, decimal) in [("vi", ".", ","), ("en", ",", ".")] {
            let lang = builtin_lang(code).unwrap();
            let text = lang.number(v);
            let rounded = (v * 1e4).round() / 1e4;
            prop_assert!((parse_back(&text, group, decimal) - rounded).abs() <= 1e-4 * rounded.abs().max(1.0), "{} -> {}", v, text);
            let int_part = text.trim_start_matches('-').split(decimal).next().unwrap();
            for chunk in int_part.split(group).skip(1) {
                prop_assert_eq!(chunk.len(), 3, "groups of three in {}", text);
            }
        }
    }

    #[test]
    fn periods_round_trip(year in 1990i32..2100, kind in 0u8..5, n in 1u32..13) {
        let code = match kind {
            0 => format!("{year}"),
            1 => format!("{year}-Q{}", 1 + n % 4),
            2 => format!("{year}-H{}", 1 + n % 2),
            3 => format!("{year}-{}M", n.min(11)),
            _ => format!("{year}-{n:02}"),
        };
        let p = Period::parse(&code).unwrap();
        prop_assert_eq!(Period::parse(&p.code()), Some(p));
        prop_assert!(p.elapsed_fraction() > 0.0 && p.elapsed_fraction() <= 1.0);
    }
}
