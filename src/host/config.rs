//! What the capture page is opened with: the session id, from the URL
//! fragment (`#session=…`), and its token, either in the fragment too (the
//! link a phone opens: `&token=…`) or handed over by the embedding page by
//! message (an iframe: the token is then in no URL and no DOM attribute of
//! the merchant's page, see [`crate::host`]). The fragment never reaches a
//! server (browsers do not send it) nor a `Referer`, unlike a query string.
//! An embedded page is served at `/m/<merchant>/` ([`merchant_from_path`]).

/// The session the page works on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRef {
    pub id: String,
    pub token: String,
}

/// The language the host asked for (`lang=` in the fragment), if any and
/// well formed (a BCP 47-looking tag: letters, digits, hyphens, ≤ 16).
pub fn fragment_lang(fragment: &str) -> Option<String> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    f.split('&').find_map(|pair| match pair.split_once('=') {
        Some(("lang", v))
            if !v.is_empty() && v.len() <= 16 && v.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') =>
        {
            Some(v.to_string())
        }
        _ => None,
    })
}

/// Whether the capture may shoot by itself (default) or only on the
/// shutter: the host turns auto-capture off with `auto=0` (a kiosk with a
/// fixed camera, a merchant's own accessibility choice). Anything else keeps
/// it on.
pub fn fragment_auto_capture(fragment: &str) -> bool {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    !f.split('&').any(|pair| pair == "auto=0")
}

/// The merchant's rules on what the MRZ says: `expired=0` lets an expired
/// document through, `minor=0` a minor's (each on otherwise). The backend
/// still receives the reason in the part's report.
pub fn fragment_rules(fragment: &str) -> crate::checks::Rules {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let off = |name: &str| f.split('&').any(|pair| pair.split_once('=') == Some((name, "0")));
    crate::checks::Rules { refuse_expired: !off("expired"), refuse_minor: !off("minor") }
}

/// Why the fragment is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    Missing,
    Malformed,
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// What the page was opened with: the session, and its token when the
/// fragment carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    pub id: String,
    pub token: Option<String>,
}

/// A session token as the backend issues them (64 lowercase hex).
pub fn valid_token(t: &str) -> bool {
    is_hex(t, 64)
}

/// Parse `#session=<32 hex>` with an optional `&token=<64 hex>` (the leading
/// `#` optional). A token that is there must be well formed.
pub fn parse_launch(fragment: &str) -> Result<Launch, ConfigError> {
    match parse_fragment(fragment) {
        Ok(s) => Ok(Launch { id: s.id, token: Some(s.token) }),
        Err(ConfigError::Malformed) => {
            let f = fragment.strip_prefix('#').unwrap_or(fragment);
            let mut id = None;
            for pair in f.split('&') {
                match pair.split_once('=') {
                    Some(("session", v)) => id = Some(v),
                    Some(("token", _)) => return Err(ConfigError::Malformed),
                    _ => {}
                }
            }
            match id {
                Some(i) if f.len() <= 512 && is_hex(i, 32) => Ok(Launch { id: i.into(), token: None }),
                _ => Err(ConfigError::Malformed),
            }
        }
        Err(e) => Err(e),
    }
}

/// The merchant key of a page served at `/m/<key>/` (or its `index.html`):
/// 1 to 32 of a-z, 0-9 and `-`, as the server allows them.
pub fn merchant_from_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/m/")?;
    let (key, tail) = rest.split_once('/')?;
    let ok = !key.is_empty()
        && key.len() <= 32
        && key.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && (tail.is_empty() || tail == "index.html");
    ok.then(|| key.to_string())
}

/// Parse `#session=<32 hex>&token=<64 hex>` (the leading `#` optional).
/// Anything else is refused: no other key is read, nothing is echoed.
pub fn parse_fragment(fragment: &str) -> Result<SessionRef, ConfigError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f.is_empty() {
        return Err(ConfigError::Missing);
    }
    if f.len() > 512 {
        return Err(ConfigError::Malformed);
    }
    let (mut id, mut token) = (None, None);
    for pair in f.split('&') {
        match pair.split_once('=') {
            Some(("session", v)) => id = Some(v),
            Some(("token", v)) => token = Some(v),
            _ => {}
        }
    }
    match (id, token) {
        (Some(i), Some(t)) if is_hex(i, 32) && is_hex(t, 64) => Ok(SessionRef { id: i.into(), token: t.into() }),
        (None, None) => Err(ConfigError::Missing),
        _ => Err(ConfigError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    fn token() -> String {
        "ab".repeat(32)
    }

    #[test]
    fn parses_a_good_fragment() {
        let r = parse_fragment(&format!("#session={ID}&token={}", token())).unwrap();
        assert_eq!(r.id, ID);
        assert_eq!(r.token, token());
    }

    #[test]
    fn the_mrz_rules_are_on_unless_the_host_says_0() {
        let r = fragment_rules(&format!("#session={ID}&token={}", token()));
        assert!(r.refuse_expired && r.refuse_minor);
        let r = fragment_rules("#session=x&expired=0");
        assert!(!r.refuse_expired && r.refuse_minor);
        let r = fragment_rules("#minor=0&expired=1");
        assert!(r.refuse_expired && !r.refuse_minor);
        let r = fragment_rules("#expired=00&x=minor=0");
        assert!(r.refuse_expired && r.refuse_minor);
    }

    #[test]
    fn auto_capture_is_on_unless_the_host_says_auto_0() {
        assert!(fragment_auto_capture(&format!("#session={ID}&token={}", token())));
        assert!(!fragment_auto_capture(&format!("#session={ID}&token={}&auto=0", token())));
        assert!(fragment_auto_capture("#auto=00&x=auto=0"));
        assert!(fragment_auto_capture("#auto=1"));
    }

    #[test]
    fn the_host_may_name_a_language() {
        assert_eq!(fragment_lang(&format!("#session={ID}&token={}&lang=es", token())), Some("es".into()));
        assert_eq!(fragment_lang("#lang=pt-BR"), Some("pt-BR".into()));
        assert_eq!(fragment_lang("#lang=<b>"), None);
        assert_eq!(fragment_lang("#session=x"), None);
        // The session still parses with a language beside it.
        assert!(parse_fragment(&format!("#session={ID}&token={}&lang=it", token())).is_ok());
    }

    #[test]
    fn an_embedded_page_has_the_session_and_no_token() {
        assert_eq!(parse_launch(&format!("#session={ID}&lang=fr")), Ok(Launch { id: ID.into(), token: None }));
        assert_eq!(
            parse_launch(&format!("#session={ID}&token={}", token())),
            Ok(Launch { id: ID.into(), token: Some(token()) })
        );
        // A token that is there must be a token.
        assert_eq!(parse_launch(&format!("#session={ID}&token=abc")), Err(ConfigError::Malformed));
        assert_eq!(parse_launch(&format!("#token={}", token())), Err(ConfigError::Malformed));
        assert_eq!(parse_launch("#session=../x"), Err(ConfigError::Malformed));
        assert_eq!(parse_launch(""), Err(ConfigError::Missing));
        assert_eq!(parse_launch(&format!("#session={ID}&{}", "x".repeat(600))), Err(ConfigError::Malformed));
        assert!(valid_token(&token()) && !valid_token("AB") && !valid_token(&"AB".repeat(32)));
    }

    #[test]
    fn the_merchant_comes_from_the_path() {
        assert_eq!(merchant_from_path("/m/demo/"), Some("demo".into()));
        assert_eq!(merchant_from_path("/m/shop-2/index.html"), Some("shop-2".into()));
        for bad in ["/", "/m/", "/m//", "/m/demo", "/m/Demo/", "/m/demo/x", "/x/m/demo/", "/m/../"] {
            assert_eq!(merchant_from_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_missing_and_hostile_fragments() {
        assert_eq!(parse_fragment(""), Err(ConfigError::Missing));
        assert_eq!(parse_fragment("#"), Err(ConfigError::Missing));
        assert_eq!(parse_fragment(&format!("#session={ID}")), Err(ConfigError::Malformed));
        assert_eq!(parse_fragment(&format!("#session=../../x&token={}", token())), Err(ConfigError::Malformed));
        assert_eq!(
            parse_fragment(&format!("#session={}&token={}", ID.to_uppercase(), token())),
            Err(ConfigError::Malformed)
        );
        assert_eq!(parse_fragment(&"a".repeat(4000)), Err(ConfigError::Malformed));
        assert_eq!(parse_fragment("#session=<script>&token=1"), Err(ConfigError::Malformed));
    }
}
