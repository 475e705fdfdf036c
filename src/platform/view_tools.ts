// The JSON views of platform records that the shells print (participants,
// payments, windows, the day, cases, swap lines, credit facilities) and the
// replacer that writes bigints as decimal strings. The door to ./views.ts, so
// the shells never import the platform's internals.

export { bigintJson, caseView, dayView, facilityView, participantView, paymentView, swapView, windowView } from './views.js';
