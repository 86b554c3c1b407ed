#pragma once
// The gateway's OpenAPI 3 document (openapi/openapi.json), compiled in at build time.
#include <string_view>

namespace shop::gateway {

// The document's text, exactly as in openapi/openapi.json.
std::string_view openapi_document();

} // namespace shop::gateway
