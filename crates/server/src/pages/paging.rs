//! One way to page a list (issue 14 point 8): `?page=N`, a fixed number of rows a page, the
//! "page N of M" line and the previous/next links, keeping the list's other query parameters.

use maud::{Markup, html};

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// 1-based, within `1..=pages`.
    pub current: usize,
    /// At least 1.
    pub pages: usize,
    /// Rows in the whole list.
    pub total: usize,
    /// Rows a page.
    pub size: usize,
}

impl Paging {
    /// Page `asked` (1 when absent; clamped) of `total` rows, `size` a page.
    pub fn new(asked: Option<usize>, total: usize, size: usize) -> Paging {
        let pages = total.div_ceil(size.max(1)).max(1);
        Paging {
            current: asked.unwrap_or(1).clamp(1, pages),
            pages,
            total,
            size: size.max(1),
        }
    }

    /// The rows of the current page.
    pub fn slice<'a, T>(&self, rows: &'a [T]) -> &'a [T] {
        let start = ((self.current - 1) * self.size).min(rows.len());
        let end = (start + self.size).min(rows.len());
        rows.get(start..end).unwrap_or(&[])
    }

    /// "N rows; page i of n." and the links, to `path` with `params` (already encoded
    /// `key=value` pairs) kept.
    pub fn nav(&self, path: &str, params: &[String]) -> Markup {
        self.nav_keyed(path, "page", params)
    }

    /// [`Paging::nav`] for one of several lists on a page, whose page number is `key`.
    pub fn nav_keyed(&self, path: &str, key: &str, params: &[String]) -> Markup {
        let link = |n: usize| {
            let mut url = format!("{path}?{key}={n}");
            for p in params {
                url.push('&');
                url.push_str(p);
            }
            url
        };
        html! {
            p { (self.total) " rows; page " (self.current) " of " (self.pages) "." }
            @if self.pages > 1 {
                nav aria-label="pages" {
                    @if self.current > 1 { a href=(link(self.current - 1)) rel="prev" { "Previous page" } " " }
                    @if self.current < self.pages { a href=(link(self.current + 1)) rel="next" { "Next page" } }
                }
            }
        }
    }
}

/// Percent-encode a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_the_end_shows_the_last_page_and_an_empty_list_has_one_page() {
        let rows: Vec<u32> = (1..=25).collect();
        let last = Paging::new(Some(9), rows.len(), 10);
        assert_eq!((last.current, last.pages), (3, 3));
        assert_eq!(last.slice(&rows), &[21, 22, 23, 24, 25]);
        let first = Paging::new(None, 0, 10);
        assert_eq!((first.current, first.pages), (1, 1));
        assert!(first.slice::<u32>(&[]).is_empty());
        assert_eq!(Paging::new(Some(0), 25, 10).current, 1);
    }

    #[test]
    fn the_links_keep_the_lists_filters() {
        let html = Paging::new(Some(2), 30, 10)
            .nav("/completeness", &["site=karolinska".into()])
            .into_string();
        assert!(
            html.contains(r#"href="/completeness?page=1&amp;site=karolinska""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/completeness?page=3&amp;site=karolinska""#),
            "{html}"
        );
    }
}
