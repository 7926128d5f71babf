#ifndef LEXWATCH_FEED_XML_INPUT_H_
#define LEXWATCH_FEED_XML_INPUT_H_

#include <string>
#include <string_view>

namespace lexwatch::feed {

// What came back instead of XML ("HTML page where XML was expected", "JSON
// where XML was expected"), or "" when it may be XML. Checked before
// parsing: an HTML error page or EUR-Lex's JavaScript challenge is rarely
// well-formed, and "XML error at offset 0" would not tell anyone why.
std::string_view NotXmlKind(std::string_view bytes);

// pugixml decodes "&#0;" to a NUL that ends the string it lands in, so
// "abc&#0;def" would read "abc". Each such reference becomes "&#1;", of the
// same length so parser offsets stay true; sanitising then drops the
// control character.
std::string NeutraliseNulRefs(std::string_view bytes);

}  // namespace lexwatch::feed

#endif  // LEXWATCH_FEED_XML_INPUT_H_
