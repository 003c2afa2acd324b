//! ASCII slugs for ids and anchors: `Sở Nông nghiệp` → `so-nong-nghiep`.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lowercase ASCII letters, digits and single inner dashes; Vietnamese diacritics are dropped
/// and `đ` becomes `d`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for ch in text.nfd().filter(|c| !is_combining_mark(*c)) {
        let ch = match ch {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        };
        if ch.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(ch);
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn vietnamese_to_ascii() {
        assert_eq!(
            slugify("Sở Nông nghiệp và Phát triển nông thôn"),
            "so-nong-nghiep-va-phat-trien-nong-thon"
        );
        assert_eq!(slugify("Đồng Tháp — Đắk Lắk"), "dong-thap-dak-lak");
        assert_eq!(slugify("  GRDP / người  "), "grdp-nguoi");
        assert_eq!(slugify("Tiền Giang 2024"), "tien-giang-2024");
    }
}
