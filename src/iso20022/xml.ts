// The XML limits ISO 20022 messages are read under, for the shells above iso20022/
// (the CLI shows them) that do not import the XML reader (src/xml/) themselves.

export { DEFAULT_XML_LIMITS, type XmlLimits } from '../xml/reader.js';
