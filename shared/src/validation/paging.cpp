#include <shop/http/error.hpp>
#include <shop/validation/paging.hpp>

#include <charconv>
#include <limits>
#include <string>
#include <vector>

namespace shop::validation {
namespace {

// A query integer in [min, max] into `out`, or a message naming what is wrong. A number too
// large for 64 bits is out of range, not "not an integer".
void read(std::string_view name, std::optional<std::string> const& text, std::int64_t min,
          std::int64_t max, std::int64_t& out, std::vector<std::string>& errors)
{
    if (!text)
        return;
    std::int64_t value = 0;
    auto const* const end = text->data() + text->size();
    auto const [stop, ec] = std::from_chars(text->data(), end, value);
    bool const overflow = ec == std::errc::result_out_of_range;
    if (text->empty() || stop != end || (ec != std::errc{} && !overflow))
        errors.push_back(std::string{name} + " must be an integer number");
    else if (overflow ? text->front() == '-' : value < min)
        errors.push_back(std::string{name} + " must not be less than " + std::to_string(min));
    else if (overflow || value > max)
        errors.push_back(std::string{name} + " must not be greater than " + std::to_string(max));
    else
        out = value;
}

} // namespace

Page parse_page(http::Request const& req, std::int64_t default_limit)
{
    return parse_page(req.query("limit"), req.query("offset"), default_limit);
}

Page parse_page(std::optional<std::string> const& limit, std::optional<std::string> const& offset,
                std::int64_t default_limit)
{
    Page page{default_limit, 0};
    std::vector<std::string> errors;
    read("limit", limit, 1, kMaxPageSize, page.limit, errors);
    read("offset", offset, 0, std::numeric_limits<std::int32_t>::max(), page.offset, errors);
    if (!errors.empty())
        throw http::Error{http::Status::bad_request, std::move(errors)};
    return page;
}

} // namespace shop::validation
