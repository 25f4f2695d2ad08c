package detect

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// found returns the text of each hit of fn in s.
func found(fn Func, s string, opt *Options) []string {
	var out []string
	for _, h := range fn(s, opt, nil) {
		out = append(out, s[h.Start:h.End])
	}
	return out
}

func TestNationalInsurance(t *testing.T) {
	assert.Equal(t, []string{"PR 123612C"}, found(NationalInsurance, "nino: PR 123612C. Thanks", nil))
	assert.Equal(t, []string{"AB 12 34 56 C", "JT123456"}, found(NationalInsurance, "AB 12 34 56 C and JT123456", nil))
	for _, invalid := range []string{"QQ 12 34 56 C", "DA123456A", "AO123456A", "GB123456A", "ZZ123456D", "TN 12 34 56"} {
		assert.Empty(t, found(NationalInsurance, invalid, nil), invalid)
	}
	assert.Empty(t, found(NationalInsurance, "AB1234567", nil), "seven digits")
	assert.Empty(t, found(NationalInsurance, "XAB123456C", nil), "inside a word")
}

func TestNHSNumber(t *testing.T) {
	assert.Equal(t, []string{"943 476 5919", "9434765919"}, found(NHSNumber, "943 476 5919 or 9434765919", nil))
	assert.Empty(t, found(NHSNumber, "943 476 5918", nil), "bad check digit")
	assert.Empty(t, found(NHSNumber, "9434 765 919", nil), "not grouped as an NHS number")
	assert.True(t, ValidNHS("0032698674"), "a leading zero is allowed")
	assert.False(t, ValidNHS("1111111111"), "a repeated digit is no number")
}

func TestPaymentCard(t *testing.T) {
	assert.Equal(t, []string{"4012 8888 8888 1881"}, found(PaymentCard, "card 4012 8888 8888 1881", nil))
	assert.Equal(t, []string{"3714 496353 98431"}, found(PaymentCard, "it's 3714 496353 98431 ok", nil))
	assert.Empty(t, found(PaymentCard, "Order 4012-8888-8888-1882", nil), "fails Luhn")
	assert.Empty(t, found(PaymentCard, "9999 9999 9999 9995", nil), "no issuer starts 9")
}

func TestDrivingLicence(t *testing.T) {
	assert.Equal(t, []string{"MORGA657054SM9IJ", "SMITH751231J99AB12"}, found(DrivingLicence, "no. MORGA657054SM9IJ and SMITH751231J99AB12", nil))
	assert.Empty(t, found(DrivingLicence, "MORGA613054SM9IJ", nil), "month 13 does not exist")
	assert.Empty(t, found(DrivingLicence, "morga657054sm9ij", nil))
}

func TestPhone(t *testing.T) {
	cases := map[string][]string{
		"call 01624 000233 now":       {"01624 000233"},
		"mobile 07700 900614.":        {"07700 900614"},
		"+44 7700 900614":             {"+44 7700 900614"},
		"(01632) 960011":              {"(01632) 960011"},
		"020 7946 0018":               {"020 7946 0018"},
		"ring 440099":                 nil, // a local number is too ambiguous
		"the year 2026 and 1,000,000": nil,
		"0777 777 7777 7777":          nil,
		"+1 212 555 0100":             nil,
	}
	for s, want := range cases {
		assert.Equal(t, want, found(Phone, s, nil), s)
	}
	hits := Phone("0800 123 4567 or 07700 900614", nil, nil)
	if assert.Len(t, hits, 2) {
		assert.Less(t, hits[0].Score, hits[1].Score, "freephone numbers are organisations' more often than people's")
	}
}

func TestBankAccount(t *testing.T) {
	hits := BankAccount("sort code 20-00-00 account 12345678", nil, nil)
	if assert.Len(t, hits, 1) {
		assert.Equal(t, 0.8, hits[0].Score)
	}
	assert.Len(t, BankAccount("sort code 20-00-00", nil, nil), 1)
	assert.Empty(t, BankAccount("12345678 alone", nil, nil))
}

func TestPostcodeNeedsAHouseNumberToScoreHigh(t *testing.T) {
	s := "Jack Quirk, 24 Ballabrooie Way, Douglas IM1 4HB, on passing"
	hits := Postcode(s, nil, nil)
	if assert.Len(t, hits, 1) {
		assert.Equal(t, "24 Ballabrooie Way, Douglas IM1 4HB", s[hits[0].Start:hits[0].End])
		assert.Equal(t, 0.8, hits[0].Score)
	}
	hits = Postcode("Recycling centre, Gloucester GL2 5XX", nil, nil)
	if assert.Len(t, hits, 1) {
		assert.Equal(t, 0.3, hits[0].Score)
	}
	assert.Equal(t, []string{"JE2 3AB", "GY1 1AA", "SW1A 1AA"}, found(Postcode, "JE2 3AB GY1 1AA SW1A 1AA", nil))
	assert.Empty(t, found(Postcode, "IM1 4HC", nil), "C is never in an inward code")
}

func TestStreetAddress(t *testing.T) {
	assert.Equal(t, []string{"6 Ridgeway Road"}, found(StreetAddress, "Mr Kermode at 6 Ridgeway Road keeps", nil))
	assert.Equal(t, []string{"Flat 3, Severn House"}, found(StreetAddress, "Mr Patel at Flat 3, Severn House needs", nil))
	assert.Equal(t, []string{"24a High Street"}, found(StreetAddress, "at 24a High Street", nil))
	assert.Empty(t, found(StreetAddress, "On 22 May 2013 nobody came", nil))
	assert.Empty(t, found(StreetAddress, "costs £7 Park Lane", nil))
	assert.Empty(t, found(StreetAddress, "at 10:30 Station Road", nil))
}

func TestVehicleRegistration(t *testing.T) {
	hits := VehicleRegistration("my van HN19 XKP and BD51SMR", nil, nil)
	if assert.Len(t, hits, 2) {
		assert.Equal(t, 0.6, hits[0].Score)
	}
	assert.Empty(t, found(VehicleRegistration, "hn19 xkp", nil), "plates are written in capitals")
	assert.Empty(t, found(VehicleRegistration, "HN00 XKP", nil), "00 is no age identifier")
	assert.Equal(t, []string{"MAN 123", "J 12345", "A123 BCD"}, found(VehicleRegistration, "MAN 123, J 12345, A123 BCD", nil))
}

func TestDates(t *testing.T) {
	assert.Equal(t, []string{"12/03/1984", "1984-03-12", "12 March 1984", "March 12th, 1984", "3rd Jan 2001"},
		found(Dates, "12/03/1984 1984-03-12 12 March 1984 March 12th, 1984 3rd Jan 2001", nil))
	assert.Empty(t, found(Dates, "32/13/1984 and 7pm and 3.5", nil))
}

func TestURL(t *testing.T) {
	opt := &Options{Allow: []string{"gov.uk", "nhs.uk"}}
	s := "See https://www.gov.uk/x, www.nhs.uk, teams.microsoft.com/l/meetup-join/19%3a and bit.ly/abc."
	assert.Equal(t, []string{"teams.microsoft.com/l/meetup-join/19%3a", "bit.ly/abc"}, found(URL, s, opt))
	assert.Empty(t, found(URL, "e.g. 3.5 U.K. mail me@example.com", opt))
	assert.Equal(t, []string{"http://evil.gov.uk.example.com"}, found(URL, "http://evil.gov.uk.example.com", opt), "a suffix must be a whole domain")
}

func TestMentionAndEmail(t *testing.T) {
	opt := &Options{Allow: []string{"@GloucsCC"}}
	assert.Equal(t, []string{"@someone"}, found(Mention, "hi @someone and @gloucscc, mail a@b.com", opt))
	hits := Email("jane.smith@gmail.com or enquiries@southend.gov.uk", nil, nil)
	if assert.Len(t, hits, 2) {
		assert.Greater(t, hits[0].Score, hits[1].Score, "a team inbox is not a person")
	}
	assert.Empty(t, Email("x@southend.gov.uk", &Options{Allow: []string{"southend.gov.uk"}}, nil))
	assert.Empty(t, Email("hello @ there", nil, nil))
}

func TestEveryKindHasAFunction(t *testing.T) {
	for _, name := range Names() {
		k := Kinds[name]
		assert.NotNil(t, k.Find, name)
		assert.Greater(t, k.MinConfidence, 0.0, name)
	}
}
