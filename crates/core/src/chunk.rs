//! Splitting a document's text into passages (chunks) for the knowledge base: on its structure
//! first (headings, then paragraphs, then sentences, then words), packed to about
//! [`TARGET_TOKENS`] tokens and never more than [`MAX_TOKENS`], each new chunk of a section
//! starting with the last sentences of the previous one (about [`OVERLAP_TOKENS`] tokens) so a
//! passage cut at a boundary is still found whole. Every chunk carries the heading it sits
//! under, which search shows and embeds with it.
//!
//! Token counts are an estimate of a WordPiece tokenizer's (the MiniLM family): one per
//! punctuation mark and one per started 8 characters of a word ([`estimate_tokens`]). Measured
//! against all-MiniLM-L6-v2's own tokenizer: 1.05 × the real count over 400 Cranfield abstracts
//! (10th–90th percentile per document 0.99–1.12), 1.01 × on the seed documents; it errs on the
//! long side, so a chunk is never longer than the estimate says by more than a few per cent.

/// The size a chunk is packed to, in estimated tokens.
pub const TARGET_TOKENS: usize = 200;
/// The size no chunk exceeds, in estimated tokens (a single word longer than this is cut), so
/// that with `[CLS]`, `[SEP]` and a short heading it fits MiniLM's 256 word pieces.
pub const MAX_TOKENS: usize = 240;
/// About how much of the previous chunk of the same section a chunk repeats, in tokens.
pub const OVERLAP_TOKENS: usize = 40;

/// One passage of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// 0-based order in the document.
    pub position: usize,
    /// The heading the passage sits under (the nearest one above it), if any.
    pub heading: Option<String>,
    /// The passage: its paragraphs separated by blank lines.
    pub text: String,
    /// [`estimate_tokens`] of `text`, at most [`MAX_TOKENS`].
    pub tokens: usize,
}

/// The estimated WordPiece tokens of `s`: each run of letters and digits counts one per started
/// 8 characters, each other visible character one.
pub fn estimate_tokens(s: &str) -> usize {
    let mut n = 0;
    let mut run: usize = 0;
    for c in s.chars() {
        if c.is_alphanumeric() {
            run += 1;
            continue;
        }
        n += run.div_ceil(8);
        run = 0;
        if !c.is_whitespace() {
            n += 1;
        }
    }
    n + run.div_ceil(8)
}

/// A block of the text: a heading or a paragraph.
enum Block {
    Heading(String),
    Paragraph(String),
}

/// Headings are Markdown ATX lines (`# …` to `###### …`); paragraphs are separated by blank
/// lines, their lines joined with spaces.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !para.is_empty() {
            out.push(Block::Paragraph(para.join(" ")));
            para.clear();
        }
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut para, &mut out);
        } else if let Some(h) = heading(line) {
            flush(&mut para, &mut out);
            out.push(Block::Heading(h.to_owned()));
        } else {
            para.push(line);
        }
    }
    flush(&mut para, &mut out);
    out
}

fn heading(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    let rest = line.get(hashes..)?;
    ((1..=6).contains(&hashes) && rest.starts_with(' '))
        .then(|| rest.trim())
        .filter(|h| !h.is_empty())
}

/// `p`'s sentences: cut after `.`, `!` or `?` (and any closing quotes or brackets) followed by
/// white space. Abbreviations ("Dr.") are cut too; they are packed back together anyway.
pub fn sentences(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    for (i, &(_, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '"' | '\'' | ')' | ']' | '”' | '’') {
            j += 1;
        }
        if j < chars.len() && chars[j].1.is_whitespace() {
            let end = chars[j].0;
            let s = p[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = end;
        }
    }
    let s = p[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// Pieces of `sentence` of at most [`MAX_TOKENS`] each, cut between words (a word longer than
/// that is cut between characters).
fn pieces(sentence: &str) -> Vec<String> {
    if estimate_tokens(sentence) <= MAX_TOKENS {
        return vec![sentence.to_owned()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in sentence.split_whitespace() {
        let mut word = word.to_owned();
        while estimate_tokens(&word) > MAX_TOKENS {
            let cut: String = word.chars().take(MAX_TOKENS * 4).collect();
            let rest: String = word.chars().skip(MAX_TOKENS * 4).collect();
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(cut);
            word = rest;
        }
        let joined = if cur.is_empty() {
            word.clone()
        } else {
            format!("{cur} {word}")
        };
        if estimate_tokens(&joined) > MAX_TOKENS {
            out.push(std::mem::replace(&mut cur, word));
        } else {
            cur = joined;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Packs the units (sentences or pieces) of one section into chunks.
struct Packer {
    chunks: Vec<Chunk>,
    heading: Option<String>,
    /// The current chunk's units, each with whether it ends a paragraph.
    units: Vec<(String, bool)>,
    tokens: usize,
    /// Units the current chunk holds only as overlap.
    carried: usize,
}

impl Packer {
    fn text(units: &[(String, bool)]) -> String {
        let mut t = String::new();
        for (i, (u, ends)) in units.iter().enumerate() {
            t.push_str(u);
            if i + 1 < units.len() {
                t.push_str(if *ends { "\n\n" } else { " " });
            }
        }
        t
    }

    fn push(&mut self, unit: String, ends_paragraph: bool) {
        let n = estimate_tokens(&unit) + 1;
        if self.tokens + n > TARGET_TOKENS && self.units.len() > self.carried {
            self.emit(true);
        }
        while self.tokens + n > MAX_TOKENS && !self.units.is_empty() {
            // The overlap would make it too long: carry less.
            let (u, _) = self.units.remove(0);
            self.tokens -= estimate_tokens(&u) + 1;
            self.carried = self.carried.saturating_sub(1);
        }
        self.tokens += n;
        self.units.push((unit, ends_paragraph));
    }

    /// Ends the current chunk; with `overlap`, the next one starts with its last sentences.
    fn emit(&mut self, overlap: bool) {
        if self.units.len() <= self.carried {
            self.units.clear();
            self.tokens = 0;
            self.carried = 0;
            return;
        }
        let text = Self::text(&self.units);
        self.chunks.push(Chunk {
            position: self.chunks.len(),
            heading: self.heading.clone(),
            tokens: estimate_tokens(&text),
            text,
        });
        let mut kept: Vec<(String, bool)> = Vec::new();
        let mut kept_tokens = 0;
        if overlap {
            for (u, ends) in self.units.iter().rev() {
                let n = estimate_tokens(u) + 1;
                if kept_tokens + n > OVERLAP_TOKENS {
                    break;
                }
                kept_tokens += n;
                kept.insert(0, (u.clone(), *ends));
            }
            // An overlap of the whole chunk would repeat it.
            if kept.len() == self.units.len() {
                kept.clear();
                kept_tokens = 0;
            }
        }
        self.carried = kept.len();
        self.units = kept;
        self.tokens = kept_tokens;
    }
}

/// The chunks of `text` (plain text or Markdown).
pub fn chunk(text: &str) -> Vec<Chunk> {
    let mut p = Packer {
        chunks: Vec::new(),
        heading: None,
        units: Vec::new(),
        tokens: 0,
        carried: 0,
    };
    let mut headings = Vec::new();
    for block in blocks(text) {
        match block {
            Block::Heading(h) => {
                p.emit(false);
                headings.push(h.clone());
                p.heading = Some(h);
            }
            Block::Paragraph(para) => {
                let units: Vec<String> = sentences(&para).into_iter().flat_map(pieces).collect();
                let last = units.len().saturating_sub(1);
                for (i, u) in units.into_iter().enumerate() {
                    p.push(u, i == last);
                }
            }
        }
    }
    p.emit(false);
    // A document of headings alone (a title page, an outline) keeps them as its text.
    if p.chunks.is_empty() {
        for h in headings {
            p.heading = Some(h.clone());
            p.push(h, true);
            p.emit(false);
        }
    }
    p.chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(i: usize) -> String {
        format!("Sentence number {i} talks about resilience, leadership and the long road home.")
    }

    #[test]
    fn tokens_are_estimated_per_word_piece_and_mark() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("The cat sat."), 4);
        assert_eq!(estimate_tokens("internationalisation"), 3);
        assert_eq!(estimate_tokens("a, b; c!"), 6);
        assert_eq!(estimate_tokens("naïve café"), 2);
    }

    #[test]
    fn nothing_gives_no_chunk_and_a_short_text_one() {
        assert!(chunk("").is_empty());
        assert!(chunk("  \n\n ").is_empty());
        let c = chunk("Hello there. How are you?");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "Hello there. How are you?");
        assert_eq!((c[0].position, c[0].heading.clone()), (0, None));
    }

    #[test]
    fn long_text_is_packed_within_bounds_with_overlap_and_nothing_lost() {
        let paras: Vec<String> = (0..12)
            .map(|p| {
                (0..6)
                    .map(|s| sentence(p * 6 + s))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let text = paras.join("\n\n");
        let cs = chunk(&text);
        assert!(cs.len() >= 3, "{}", cs.len());
        for (i, c) in cs.iter().enumerate() {
            assert_eq!(c.position, i);
            assert!(c.tokens <= MAX_TOKENS, "chunk {i}: {}", c.tokens);
            if i + 1 < cs.len() {
                assert!(
                    c.tokens >= TARGET_TOKENS / 2,
                    "chunk {i} is small: {}",
                    c.tokens
                );
            }
        }
        for i in 0..72 {
            let s = sentence(i);
            assert!(cs.iter().any(|c| c.text.contains(&s)), "sentence {i} lost");
        }
        // The next chunk starts with the previous one's last sentence.
        let last_of_first = cs[0]
            .text
            .rsplit(". ")
            .next()
            .unwrap()
            .trim_end_matches('.');
        assert!(cs[1].text.contains(last_of_first), "no overlap");
        // Paragraph breaks survive inside a chunk.
        assert!(cs[0].text.contains("\n\n"));
    }

    #[test]
    fn headings_without_text_under_them_are_kept_as_text() {
        let cs = chunk("# Only a title");
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].heading.as_deref(), cs[0].text.as_str()),
            (Some("Only a title"), "Only a title")
        );
        let cs = chunk("# Outline\n\n## Part one");
        let all: String = cs
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.contains("Outline") && all.contains("Part one"), "{all}");
        // With text anywhere, a bare heading adds no passage of its own.
        let cs = chunk("# Part one\n\n## Details\n\nThe body.");
        assert_eq!(cs.len(), 1);
        assert_eq!(
            (cs[0].heading.as_deref(), cs[0].text.as_str()),
            (Some("Details"), "The body.")
        );
    }

    #[test]
    fn headings_start_chunks_and_label_them() {
        let text = "# Intro\nWe help teams grow.\n\n## Case study: Acme\nAcme cut churn by 30%.\n\nThey did it in a year.\n\n#NotAHeading stays text.";
        let cs = chunk(text);
        assert_eq!(cs.len(), 2, "{cs:?}");
        assert_eq!(cs[0].heading.as_deref(), Some("Intro"));
        assert_eq!(cs[0].text, "We help teams grow.");
        assert_eq!(cs[1].heading.as_deref(), Some("Case study: Acme"));
        assert_eq!(
            cs[1].text,
            "Acme cut churn by 30%.\n\nThey did it in a year.\n\n#NotAHeading stays text."
        );
    }

    #[test]
    fn an_endless_sentence_or_word_is_cut_to_size() {
        let words = vec!["word"; 1000].join(" ");
        let cs = chunk(&words);
        assert!(cs.len() >= 4);
        assert!(cs.iter().all(|c| c.tokens <= MAX_TOKENS));
        let blob = "x".repeat(10_000);
        let cs = chunk(&blob);
        assert!(cs.iter().all(|c| c.tokens <= MAX_TOKENS));
        assert_eq!(cs.iter().map(|c| c.text.len()).sum::<usize>(), 10_000);
    }

    #[test]
    fn sentences_end_at_marks_followed_by_space() {
        assert_eq!(
            sentences("Dr. Who said “Run!” Then left. e.g. this. End"),
            vec![
                "Dr.",
                "Who said “Run!”",
                "Then left.",
                "e.g.",
                "this.",
                "End"
            ]
        );
        assert_eq!(sentences("3.14 is pi. Yes"), vec!["3.14 is pi.", "Yes"]);
    }
}
