package engine

// BuiltinCategories are the category ids of policy/categories.md: a stable
// contract that the extension groups warnings by and corpora are labelled
// with. A bundle may add its own.
var BuiltinCategories = []Category{
	{ID: "personal-use-core-hours", Title: "Personal use in core hours"},
	{ID: "political-opinion", Title: "Political opinion"},
	{ID: "politically-sensitive", Title: "Politically sensitive matters"},
	{ID: "confidential-information", Title: "Confidential information"},
	{ID: "personal-data", Title: "Personal data"},
	{ID: "service-user-information", Title: "Service user information"},
	{ID: "credentials", Title: "Credentials"},
	{ID: "offensive-language", Title: "Offensive language"},
	{ID: "discrimination-harassment", Title: "Discrimination and harassment"},
	{ID: "disrepute", Title: "Disrepute"},
	{ID: "grievance-whistleblowing", Title: "Grievances and whistleblowing"},
	{ID: "commercial-endorsement", Title: "Commercial endorsement"},
	{ID: "copyright", Title: "Copyright"},
	{ID: "personal-views-disclaimer", Title: "Personal views without a disclaimer"},
	{ID: "official-tone", Title: "Official tone"},
}
