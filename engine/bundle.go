package engine

//go:generate ./easyjson.sh bundle.go context.go problem.go

// Bundle is a compiled rule bundle: the canonical JSON document that
// `heed build` writes and that the engine reads. It is plain data: every rule
// is made of lexicons, patterns, built-in detectors and conditions on the
// draft's context, never of code.
//
// A bundle that extends another is flattened by the builder, so a Bundle is
// always complete in itself.
//
//easyjson:json
type Bundle struct {
	// Format is the version of this document's schema (FormatVersion).
	Format int `json:"format" yaml:"format"`
	// Name identifies the bundle, e.g. "default" or "jersey".
	Name string `json:"name" yaml:"name"`
	// Version only grows; publishing refuses a version not above the latest.
	Version int64 `json:"version" yaml:"version"`
	// Description is a line for people choosing a bundle.
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	// Extends records which bundles this one was built on, base first.
	Extends []string `json:"extends,omitempty" yaml:"-"`
	// Settings are the organisation's own facts: time zone, calendars,
	// official accounts, approved domains.
	Settings Settings `json:"settings" yaml:"settings"`
	// Categories adds an organisation's own categories to the built-in ones.
	Categories []Category `json:"categories,omitempty" yaml:"categories,omitempty"`
	// Lexicons are named term lists that rules refer to by name.
	Lexicons []Lexicon `json:"lexicons,omitempty" yaml:"lexicons,omitempty"`
	// Rules are checked in order; findings are sorted afterwards.
	Rules []Rule `json:"rules" yaml:"rules"`
	// Reminders are clauses that cannot be checked from the text and its
	// context; the extension shows them as a list.
	Reminders []Reminder `json:"reminders,omitempty" yaml:"reminders,omitempty"`
	// ExampleContext is the context an example runs in when it names none.
	ExampleContext Context `json:"example_context,omitempty" yaml:"example_context,omitempty"`
	// Corpus sets the quality targets `heed test` holds corpora to.
	Corpus *CorpusTargets `json:"corpus,omitempty" yaml:"corpus,omitempty"`
}

// FormatVersion is the schema version this engine reads.
const FormatVersion = 1

// MaxVersion is the highest version a bundle may carry: 2^53-1, the largest
// integer a JavaScript number holds exactly, so the extension reads every
// version the server stores as it was written. Versions run from 1 (0 is
// an unversioned bundle, which cannot be signed) to MaxVersion; build,
// sign, publish and load all refuse anything else.
const MaxVersion int64 = 1<<53 - 1

// Settings are the facts about one organisation that rules depend on.
//
//easyjson:json
type Settings struct {
	// TimeZone is an IANA zone name; calendars are judged in it.
	TimeZone string `json:"time_zone" yaml:"time_zone"`
	// TZif is the zone's compiled tz database entry, carried in the bundle so
	// that the engine gives the same answer natively and inside WebAssembly,
	// where there is no zoneinfo to read.
	TZif []byte `json:"tzif,omitempty" yaml:"-"`
	// Calendars are named sets of time windows, holidays and periods.
	Calendars []Calendar `json:"calendars,omitempty" yaml:"calendars,omitempty"`
	// OfficialAccounts are handles or page names that post for the
	// organisation; the extension uses them to tell the account kind.
	OfficialAccounts []string `json:"official_accounts,omitempty" yaml:"official_accounts,omitempty"`
	// ApprovedDomains are link domains an official account may use (a
	// domain allows its subdomains).
	ApprovedDomains []string `json:"approved_domains,omitempty" yaml:"approved_domains,omitempty"`
	// ApprovedHandles are @mentions an official account may use.
	ApprovedHandles []string `json:"approved_handles,omitempty" yaml:"approved_handles,omitempty"`
}

// Calendar is a named set of times. A time is inside a calendar when it is in
// one of its weekly windows (or it has none), inside one of its periods (or it
// has none), and not on one of its holidays.
//
//easyjson:json
type Calendar struct {
	Name string `json:"name" yaml:"name"`
	// Weekly windows, half-open: a window 10:00-12:00 contains 10:00 and
	// 11:59:59 but not 12:00.
	Weekly []WeeklyWindow `json:"weekly,omitempty" yaml:"weekly,omitempty"`
	// Holidays are whole local dates excluded from the calendar.
	Holidays []Holiday `json:"holidays,omitempty" yaml:"holidays,omitempty"`
	// Periods are local date ranges, both ends included, such as a
	// pre-election period.
	Periods []Period `json:"periods,omitempty" yaml:"periods,omitempty"`
}

// WeeklyWindow is a time of day range on some days of the week.
//
//easyjson:json
type WeeklyWindow struct {
	// Days are three-letter English day names: mon, tue, ... sun.
	Days []string `json:"days" yaml:"days"`
	// Start and End are local times "HH:MM"; End is excluded.
	Start string `json:"start" yaml:"start"`
	End   string `json:"end" yaml:"end"`
}

// Holiday is one local date, "YYYY-MM-DD", with its name.
//
//easyjson:json
type Holiday struct {
	Date string `json:"date" yaml:"date"`
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
}

// Period is a range of local dates, both included.
//
//easyjson:json
type Period struct {
	Name string `json:"name,omitempty" yaml:"name,omitempty"`
	From string `json:"from" yaml:"from"`
	To   string `json:"to" yaml:"to"`
}

// Category is a policy category a rule belongs to.
//
//easyjson:json
type Category struct {
	ID          string `json:"id" yaml:"id"`
	Title       string `json:"title,omitempty" yaml:"title,omitempty"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
}

// Lexicon is a named list of terms, matched as whole words or phrases after
// normalisation (case, lookalike letters, accents).
//
//easyjson:json
type Lexicon struct {
	Name string `json:"name" yaml:"name"`
	// Source says where the terms came from and under which licence.
	Source string `json:"source,omitempty" yaml:"source,omitempty"`
	// Terms are words or phrases; a phrase matches its words in sequence
	// with any spacing or punctuation between them.
	Terms []string `json:"terms" yaml:"terms"`
	// Inflect also matches simple English inflections of each one-word
	// term: plurals, -ed, -ing, -er.
	Inflect bool `json:"inflect,omitempty" yaml:"inflect,omitempty"`
	// Obfuscated also matches masked forms (f***, s**t), letters with digits
	// or symbols for letters (sh1t, a$$), letters spaced or dotted out
	// (f.u.c.k) and stretched letters (fuuuck).
	Obfuscated bool `json:"obfuscated,omitempty" yaml:"obfuscated,omitempty"`
	// Append, in a bundle's source, adds Terms to the lexicon of the same
	// name in the bundle it extends instead of replacing it. Built bundles
	// are flat, so it never appears in them.
	Append bool `json:"-" yaml:"append,omitempty"`
}

// Rule is one check: when its conditions on the context hold and its
// matcher matches the draft, it produces a finding.
//
//easyjson:json
type Rule struct {
	ID       string `json:"id" yaml:"id"`
	Category string `json:"category" yaml:"category"`
	// Severity is info, warning or critical.
	Severity string `json:"severity" yaml:"severity"`
	// Message is written for the member of staff: what the problem is and
	// what to do instead.
	Message string `json:"message" yaml:"message"`
	// Suggestion is an optional short alternative.
	Suggestion string `json:"suggestion,omitempty" yaml:"suggestion,omitempty"`
	// Link is an optional https:// page that explains the rule ("learn
	// more"), such as the organisation's own policy page.
	Link string `json:"link,omitempty" yaml:"link,omitempty"`
	// Citations name every clause of a policy the rule enforces.
	Citations []Citation `json:"citations" yaml:"citations"`
	// When restricts the rule to some contexts.
	When Conditions `json:"when,omitempty" yaml:"when,omitempty"`
	// Match is what the draft must contain. A rule without one fires on
	// every draft whose context meets When (personal use in core hours).
	Match *Matcher `json:"match,omitempty" yaml:"match,omitempty"`
	// Unless lists what excuses a match: a word, pattern or detector hit
	// that lies inside a span of Unless (an idiom, a place name) does not
	// count. (To silence a whole rule, such as on a disclaimer, use
	// all: [..., not: ...] in Match.)
	Unless *Matcher `json:"unless,omitempty" yaml:"unless,omitempty"`
	// Examples must flag and must pass; `heed test` runs them.
	Examples Examples `json:"examples" yaml:"examples"`
}

// Citation names a policy clause.
//
//easyjson:json
type Citation struct {
	Document string `json:"document" yaml:"document"`
	Section  string `json:"section" yaml:"section"`
	Quote    string `json:"quote" yaml:"quote"`
}

// Conditions restrict a rule to some contexts. An empty list allows all.
//
//easyjson:json
type Conditions struct {
	Platforms []string `json:"platforms,omitempty" yaml:"platforms,omitempty"`
	Surfaces  []string `json:"surfaces,omitempty" yaml:"surfaces,omitempty"`
	// Accounts lists account kinds; a draft whose account is "unknown"
	// meets any list, so nothing that could be a breach is silenced.
	Accounts []string `json:"accounts,omitempty" yaml:"accounts,omitempty"`
	// InCalendar requires the draft's time to be inside the named calendar.
	InCalendar string `json:"in_calendar,omitempty" yaml:"in_calendar,omitempty"`
	// OutsideCalendar requires the time to be outside the named calendar.
	OutsideCalendar string `json:"outside_calendar,omitempty" yaml:"outside_calendar,omitempty"`
}

// Matcher is a node of a rule's match tree. Exactly one field is set.
// Matchers nest at most MaxDepth deep (a rule's match or unless is depth
// 1).
//
//easyjson:json
type Matcher struct {
	// Lexicon names one of the bundle's lexicons.
	Lexicon string `json:"lexicon,omitempty" yaml:"lexicon,omitempty"`
	// Terms is an inline lexicon.
	Terms []string `json:"terms,omitempty" yaml:"terms,omitempty"`
	// Pattern is an RE2 regular expression (Go syntax), case-insensitive
	// unless it says otherwise with (?-i).
	Pattern string `json:"pattern,omitempty" yaml:"pattern,omitempty"`
	// Detector is a built-in detector of personal data, links or mentions.
	Detector *Detector `json:"detector,omitempty" yaml:"detector,omitempty"`
	// Near matches when a hit of each of its two matchers stand within
	// Within words of each other.
	Near *Near `json:"near,omitempty" yaml:"near,omitempty"`
	// All matches when every one matches; Any when one does; Not when its
	// matcher does not.
	All []Matcher `json:"all,omitempty" yaml:"all,omitempty"`
	Any []Matcher `json:"any,omitempty" yaml:"any,omitempty"`
	Not *Matcher  `json:"not,omitempty" yaml:"not,omitempty"`
	// Metric matches simple measures of the text: shouting, "!!".
	Metric *Metric `json:"metric,omitempty" yaml:"metric,omitempty"`
}

// Near is proximity: A within Within words of B, in either order. Within
// is 1 to MaxWithin. Its spans are every hit of A and of B that has a
// partner in reach.
//
//easyjson:json
type Near struct {
	A      Matcher `json:"a" yaml:"a"`
	B      Matcher `json:"b" yaml:"b"`
	Within int     `json:"within" yaml:"within"`
	// Ordered requires A to come before B.
	Ordered bool `json:"ordered,omitempty" yaml:"ordered,omitempty"`
}

// Detector selects a built-in detector and tunes it.
//
//easyjson:json
type Detector struct {
	// Kind is one of DetectorKinds.
	Kind string `json:"kind" yaml:"kind"`
	// MinConfidence is the score a hit needs after context, 0 to 1; 0
	// takes the detector's own default.
	MinConfidence float64 `json:"min_confidence,omitempty" yaml:"min_confidence,omitempty"`
	// Context words near a hit raise or lower its score, as in Microsoft
	// Presidio: "my number" raises a phone number, "switchboard" lowers it.
	Context []ContextWords `json:"context,omitempty" yaml:"context,omitempty"`
	// Allow lists link domains or handles that do not count, on top of the
	// bundle's approved ones.
	Allow []string `json:"allow,omitempty" yaml:"allow,omitempty"`
}

// ContextWords adjust a detector's score when any of them stands within
// Within words of a hit (1 to MaxWithin).
//
//easyjson:json
type ContextWords struct {
	Lexicon string   `json:"lexicon,omitempty" yaml:"lexicon,omitempty"`
	Terms   []string `json:"terms,omitempty" yaml:"terms,omitempty"`
	Within  int      `json:"within" yaml:"within"`
	// Score is added to the hit's confidence; negative lowers it.
	Score float64 `json:"score" yaml:"score"`
}

// Metric is a measure of the text's form.
//
//easyjson:json
type Metric struct {
	// Kind is caps_run (consecutive all-capital words, not counting
	// words with digits, words in Ignore, or a run that ends in a colon as
	// a label does) or exclamation_run (consecutive "!").
	Kind string `json:"kind" yaml:"kind"`
	// Min is the run length that matches.
	Min int `json:"min" yaml:"min"`
	// Ignore names a lexicon of words that do not count (acronyms).
	Ignore string `json:"ignore,omitempty" yaml:"ignore,omitempty"`
}

// Examples are the drafts a rule must flag and must pass.
//
//easyjson:json
type Examples struct {
	Flag []Example `json:"flag" yaml:"flag"`
	Pass []Example `json:"pass" yaml:"pass"`
}

// Example is a draft with optional context. In Text, [[ and ]] mark a span
// the rule must report; the markers are removed before evaluation.
//
//easyjson:json
type Example struct {
	Text    string  `json:"text" yaml:"text"`
	Context Context `json:"context,omitempty" yaml:"context,omitempty"`
	Note    string  `json:"note,omitempty" yaml:"note,omitempty"`
}

// Reminder is a policy clause that cannot be checked from a draft.
//
//easyjson:json
type Reminder struct {
	ID       string     `json:"id" yaml:"id"`
	Text     string     `json:"text" yaml:"text"`
	Citation Citation   `json:"citation" yaml:"citation"`
	When     Conditions `json:"when,omitempty" yaml:"when,omitempty"`
}

// CorpusTargets are the quality a bundle promises on its labelled corpora.
// Zero values are not checked.
//
//easyjson:json
type CorpusTargets struct {
	MinPrecision     float64 `json:"min_precision,omitempty" yaml:"min_precision,omitempty"`
	MinRecall        float64 `json:"min_recall,omitempty" yaml:"min_recall,omitempty"`
	MaxFalseAlarms   float64 `json:"max_false_alarm_rate,omitempty" yaml:"max_false_alarm_rate,omitempty"`
	MinCategoryF1    float64 `json:"min_category_f1,omitempty" yaml:"min_category_f1,omitempty"`
	RequireExactPost bool    `json:"require_exact,omitempty" yaml:"require_exact,omitempty"`
}
