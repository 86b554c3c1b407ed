# Run at build time (cmake -P): writes OUTPUT, a C++ source that holds INPUT's bytes as
# shop::gateway::openapi_document(), so the executable needs no source tree at run time.
# Bytes rather than a string literal: no delimiter to clash with, no length limit.
if(NOT INPUT OR NOT OUTPUT)
    message(FATAL_ERROR "usage: cmake -DINPUT=openapi.json -DOUTPUT=out.cpp -P embed.cmake")
endif()
file(READ "${INPUT}" hex HEX)
if(hex STREQUAL "")
    message(FATAL_ERROR "${INPUT} is empty")
endif()
string(REPEAT "[0-9a-f][0-9a-f]" 20 line) # 20 bytes a line
string(REGEX REPLACE "(${line})" "\\1\n    " hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}" "// Generated from openapi/openapi.json by openapi/embed.cmake: do not edit.
#include \"gateway/openapi.hpp\"

namespace shop::gateway {
namespace {

constexpr unsigned char kDocument[] = {
    ${bytes}
};

} // namespace

std::string_view openapi_document()
{
    return {reinterpret_cast<char const*>(kDocument), sizeof kDocument};
}

} // namespace shop::gateway
")
