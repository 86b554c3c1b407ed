#include <shop/http/error.hpp>
#include <shop/validation/paging.hpp>

#include <charconv>
#include <limits>
#include <string>
#include <vector>

namespace shop::validation {
namespace {

// A query integer in [min, max] into `out`, or a message naming what is wrong.
void read(http::Request const& req, std::string_view name, std::int64_t min, std::int64_t max,
          std::int64_t& out, std::vector<std::string>& errors)
{
    auto const text = req.query(name);
    if (!text)
        return;
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc{} || end != text->data() + text->size())
        errors.push_back(std::string{name} + " must be an integer number");
    else if (value < min)
        errors.push_back(std::string{name} + " must not be less than " + std::to_string(min));
    else if (value > max)
        errors.push_back(std::string{name} + " must not be greater than " + std::to_string(max));
    else
        out = value;
}

} // namespace

Page parse_page(http::Request const& req, std::int64_t default_limit)
{
    Page page{default_limit, 0};
    std::vector<std::string> errors;
    read(req, "limit", 1, kMaxPageSize, page.limit, errors);
    read(req, "offset", 0, std::numeric_limits<std::int32_t>::max(), page.offset, errors);
    if (!errors.empty())
        throw http::Error{http::Status::bad_request, std::move(errors)};
    return page;
}

} // namespace shop::validation
