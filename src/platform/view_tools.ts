// The JSON views of platform records that the shells print (participants,
// payments, windows, the day, cases, swap lines, credit facilities) and the
// replacer that writes bigints as decimal strings. Re-exported from the state
// machine, where they are defined next to the records: this module is the door,
// so the shells never import the state machine.

export { bigintJson, caseView, dayView, facilityView, participantView, paymentView, swapView, windowView } from './state_machine.js';
