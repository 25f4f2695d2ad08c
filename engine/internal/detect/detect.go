// Package detect holds the built-in detectors of personal data, links and
// mentions. Each scans the draft by hand rather than by regular expression
// (a dozen regexps over every keystroke would cost more than all lexicons
// together), validates what it can (check digits, number plans, prefixes)
// and gives each hit a base score that words nearby then raise or lower.
package detect

import "sort"

// Hit is a detected item: bytes [Start, End) of the draft and a confidence
// score from 0 to 1 before context words are applied.
type Hit struct {
	Start, End int
	Score      float64
}

// Options tune one detector.
type Options struct {
	// Allow lists what does not count: link domains (a domain allows its
	// subdomains), @handles, e-mail domains or "local@" parts.
	Allow []string
}

// Func appends the hits of one detector to out.
type Func func(s string, opt *Options, out []Hit) []Hit

// ContextWords are the words that, near a hit, adjust its score; the
// built-in ones of each kind, which a bundle can add to.
type ContextWords struct {
	Terms  []string
	Within int
	Score  float64
}

// Kind describes one detector.
type Kind struct {
	Find Func
	// MinConfidence is the score a hit needs when the rule sets none.
	MinConfidence float64
	// Context is applied to every hit of this kind.
	Context []ContextWords
}

// Kinds lists the detectors by the name rules use.
var Kinds = map[string]*Kind{
	"email": {Find: Email, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"my email", "my e-mail", "email me", "e-mail me", "my address", "contact me", "personal email", "home email"}, Within: 6, Score: 0.2},
	}},
	"phone": {Find: Phone, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"my number", "my mobile", "my phone", "new number", "my landline", "landline", "mobile", "text me", "call me", "ring me", "whatsapp me", "his number", "her number", "their number", "home number", "save it"}, Within: 8, Score: 0.3},
		{Terms: []string{"switchboard", "helpline", "office", "offices", "contact centre", "call centre", "customer services", "enquiries", "enquiry line", "reception", "team", "department", "council", "hotline", "freephone", "line is open", "lines are open", "opening hours", "call us", "ring us", "contact us", "duty desk", "out of hours"}, Within: 8, Score: -0.4},
	}},
	"postcode": {Find: Postcode, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: publicPlaces, Within: 10, Score: -0.4},
	}},
	"street_address": {Find: StreetAddress, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"lives at", "living at", "lives in", "his house", "her house", "home address", "address is", "their house", "at home", "belonging to", "owner", "his home", "her home", "their home", "address", "new address"}, Within: 8, Score: 0.3},
		{Terms: publicPlaces, Within: 8, Score: -0.4},
	}},
	"nino": {Find: NationalInsurance, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"ni", "nino", "ni number", "national insurance", "ni no"}, Within: 6, Score: 0.3},
	}},
	"nhs_number": {Find: NHSNumber, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"nhs", "nhs number", "nhs no", "patient", "hospital", "gp"}, Within: 8, Score: 0.35},
	}},
	"payment_card": {Find: PaymentCard, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"card", "visa", "mastercard", "amex", "debit", "credit", "cvv", "expiry", "bank"}, Within: 8, Score: 0.3},
		{Terms: []string{"order", "order number", "reference", "ref", "tracking", "invoice", "parcel", "booking", "case number"}, Within: 4, Score: -0.5},
	}},
	"driving_licence": {Find: DrivingLicence, MinConfidence: 0.5},
	"bank_account": {Find: BankAccount, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"sort code", "account", "account number", "bank", "acc", "a/c"}, Within: 8, Score: 0.3},
	}},
	"vehicle_reg": {Find: VehicleRegistration, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"reg", "registration", "number plate", "plate", "car", "van", "vehicle", "parked", "motorbike", "lorry", "driving", "taxi"}, Within: 8, Score: 0.3},
	}},
	"date_of_birth": {Find: Dates, MinConfidence: 0.5, Context: []ContextWords{
		{Terms: []string{"born", "dob", "date of birth", "birthday", "birth date", "d o b", "birthdate"}, Within: 6, Score: 0.6},
	}},
	"url":     {Find: URL, MinConfidence: 0.5},
	"mention": {Find: Mention, MinConfidence: 0.5},
}

// publicPlaces are words for buildings the public visits; an address near
// one is the building's, not a person's.
var publicPlaces = []string{
	"civic centre", "town hall", "council offices", "library", "recycling centre", "offices", "office",
	"headquarters", "reception", "venue", "museum", "school", "centre", "center", "tourist information",
	"hall", "station", "hospital", "surgery", "health centre", "leisure centre", "depot", "tip", "park",
	"church", "cathedral", "theatre", "gallery", "market", "stadium", "hub", "clinic",
	"pharmacy", "shop", "store", "cafe", "restaurant", "pub", "hotel", "visit us", "find us",
	"opening hours", "branch",
}

// Names lists the detector kinds in order.
func Names() []string {
	names := make([]string, 0, len(Kinds))
	for n := range Kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

// boundaryBefore reports whether position i starts a word: nothing before
// it, or a byte that is not a letter or digit.
func boundaryBefore(s string, i int) bool { return i == 0 || !isAlnum(s[i-1]) }

// boundaryAfter reports whether position i ends a word.
func boundaryAfter(s string, i int) bool { return i >= len(s) || !isAlnum(s[i]) }
