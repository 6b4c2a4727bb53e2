//! The `en_stem` analyser with a cache of stems: tantivy's own chain (simple tokenizer, words
//! over 40 bytes dropped, lower case, English Snowball stemmer), except that each distinct word
//! is stemmed once per writer. Snowball costs about 1,600 instructions a word and a contract
//! repeats the same few thousand words, so stemming was most of what indexing added to a scan.
//!
//! The stems are the stemmer's own (a miss asks it), so the index is the one tantivy's built-in
//! analyser writes and searches; it is registered under the same name, for writing and reading.

use std::borrow::Cow;

use rustc_hash::FxHashMap;
use tantivy::Index;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

use super::schema::TOKENIZER;

/// Distinct words a cache holds; when full it starts again (a repository's vocabulary is
/// usually far smaller, so this only bounds memory on unusual text).
const CACHE_WORDS: usize = 50_000;

/// Longest word tantivy's `en_stem` keeps, in bytes.
const LONGEST_WORD: usize = 40;

/// Makes `index` tokenize its text field with the caching analyser.
pub fn register(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER, analyzer(CACHE_WORDS));
}

/// The analyser, with a cache of at most `words` stems per writer.
fn analyzer(words: usize) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD))
        .filter(LowerCaser)
        .filter(CachedStemmer { words })
        .build()
}

/// English stemming with a cache (a [`TokenFilter`]).
#[derive(Clone)]
struct CachedStemmer {
    /// Most distinct words cached.
    words: usize,
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            cache: FxHashMap::default(),
            words: self.words,
        }
    }
}

/// The tokenizer the filter wraps, with the stemmer and its cache. A clone (one per segment
/// writer) starts with the cache it was cloned with, which is the registered, empty one.
#[derive(Clone)]
struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    cache: FxHashMap<Box<str>, Box<str>>,
    words: usize,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            cache: &mut self.cache,
            words: self.words,
        }
    }
}

/// Tokens of the inner stream, stemmed.
struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a frostem::Stemmer,
    cache: &'a mut FxHashMap<Box<str>, Box<str>>,
    words: usize,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem: Box<str> = match self.stemmer.stem(&token.text) {
            Cow::Borrowed(s) => s.into(),
            Cow::Owned(s) => s.into(),
        };
        if self.cache.len() >= self.words {
            self.cache.clear();
        }
        let word = std::mem::replace(&mut token.text, String::from(&*stem));
        self.cache.insert(word.into_boxed_str(), stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenizerManager;

    /// Every token (text, offsets, position) of `text` through `analyzer`.
    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    #[test]
    fn tokens_are_tantivys_en_stem_with_or_without_the_cache_full() {
        let mut builtin = TokenizerManager::default()
            .get(TOKENIZER)
            .expect("tantivy has en_stem");
        let texts = [
            "The Supplier shall not train, retrain or fine-tune any models on Customer Data.",
            "Trained TRAINING trains; indemnities INDEMNIFY indemnified. Généralités, naïve café.",
            "The supplier's trained models: training data, trainings, trainer, trained.",
            "",
            "a-very-long-word-that-is-far-longer-than-forty-bytes-in-all-of-its-parts short",
            "Provider processes personal data; processing, processed, processor, processes.",
        ];
        // A cache of two words is cleared over and over; one of 50,000 never is.
        for words in [2, CACHE_WORDS] {
            let mut cached = analyzer(words);
            for _ in 0..2 {
                for text in texts {
                    assert_eq!(
                        tokens(&mut cached, text),
                        tokens(&mut builtin, text),
                        "{text}"
                    );
                }
            }
        }
    }
}
