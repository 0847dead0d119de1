/// "Did you mean …?" suggestions for misspelt keys and names.
enum DidYouMean {
    /// The largest edit distance at which a candidate is still offered as a suggestion.
    static let maximumDistance = 2

    /// Levenshtein distance (insertions, deletions and substitutions of characters).
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The closest candidate within `maximumDistance`, the earliest one on ties; nil if none is
    /// close enough or `word` is itself a candidate.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        guard !candidates.contains(word) else { return nil }
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= maximumDistance, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// `unknown person 'lann'; did you mean 'lan'?`, or `unknown person 'x' (known: a, b)` when
    /// nothing is close (the list is left out when it would be empty or longer than 16 names).
    static func unknown(_ what: String, _ word: String, among candidates: [String]) -> String {
        if let suggestion = suggestion(for: word, among: candidates) {
            return "unknown \(what) '\(word)'; did you mean '\(suggestion)'?"
        }
        if candidates.isEmpty || candidates.count > 16 { return "unknown \(what) '\(word)'" }
        return "unknown \(what) '\(word)' (known: \(candidates.joined(separator: ", ")))"
    }
}
