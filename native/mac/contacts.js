// macOS Contacts reader for the myApps local phone book (electron/phonebook/sources/mac-contacts.ts).
// Run:  /usr/bin/osascript -l JavaScript native/mac/contacts.js
// Prints one JSON object on stdout (format: docs/phonebook.md, parser: native/mac/contacts-parser.ts):
//   {"version":1,"contacts":[{"firstName","lastName","name","organization","department","jobTitle",
//     "phones":[{"label","value"}],"emails":["…"]}]}
//   {"version":1,"error":"access-denied"|"failed","errorNumber":-1743,"message":"…"}
// Properties are read in bulk (one Apple event per property, not per person): fast for big books.
function run() {
  var out;
  try {
    var app = Application('Contacts');
    var people = app.people;
    var first = people.firstName();
    var last = people.lastName();
    var name = people.name();
    var org = people.organization();
    var dept = people.department();
    var job = people.jobTitle();
    var phoneLabels = people.phones.label();
    var phoneValues = people.phones.value();
    var emails = people.emails.value();
    var contacts = [];
    for (var i = 0; i < first.length; i++) {
      var phones = [];
      var values = phoneValues[i] || [];
      for (var j = 0; j < values.length; j++) phones.push({ label: (phoneLabels[i] || [])[j] || null, value: values[j] });
      contacts.push({
        firstName: first[i], lastName: last[i], name: name[i], organization: org[i],
        department: dept[i], jobTitle: job[i], phones: phones, emails: emails[i] || [],
      });
    }
    out = { version: 1, contacts: contacts };
  } catch (e) {
    var n = e && e.errorNumber;
    var msg = String((e && e.message) || e);
    // -1743: errAEEventNotPermitted (Privacy & Security › Automation / Contacts denied);
    // -10004: privilege violation.
    var denied = n === -1743 || n === -10004 || /not authori[sz]ed|not allowed|not permitted/i.test(msg);
    out = { version: 1, error: denied ? 'access-denied' : 'failed', errorNumber: n === undefined ? null : n, message: msg };
  }
  return JSON.stringify(out);
}
