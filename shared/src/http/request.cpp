#include <shop/http/error.hpp>
#include <shop/http/request.hpp>
#include <shop/text/bytes.hpp>

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace shop::http {
namespace {

int hex_value(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// A path from '/', with no controls, spaces, DEL, bytes from 0x80 or '#' (a fragment).
bool is_origin_form(std::string_view target) noexcept
{
    using namespace text::bytes;
    if (target.empty() || target.front() != '/')
        return false;
    return !any(
        target,
        [](std::uint64_t word) {
            return has_less(word, 0x21) | has_high(word) | has(word, 0x7f) | has(word, '#');
        },
        [](unsigned char c) { return c <= 0x20 || c >= 0x7f || c == '#'; });
}

} // namespace

std::string percent_decode(std::string_view text, bool plus_is_space)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char const c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            int const hi = hex_value(text[i + 1]);
            int const lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out.push_back(static_cast<char>(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
    return out;
}

Request::Request(Message message, std::string request_id)
    : message_{std::move(message)}, request_id_{std::move(request_id)}
{
    std::string_view target = message_.target();
    // Absolute form ("http://host/path?q", RFC 9112 §3.2.2): only the path and query count.
    for (std::string_view const scheme : {"http://", "https://"}) {
        if (target.substr(0, scheme.size()) == scheme) {
            auto const slash = target.find('/', scheme.size());
            target = slash == std::string_view::npos ? std::string_view{"/"} : target.substr(slash);
            break;
        }
    }
    valid_target_ = is_origin_form(target);
    if (!valid_target_)
        return;
    auto const question = target.find('?');
    path_ = target.substr(0, question);
    if (question != std::string_view::npos)
        query_ = target.substr(question + 1);
}

std::string_view Request::header(std::string_view name) const
{
    auto const it = message_.find(name);
    return it == message_.end() ? std::string_view{} : std::string_view{it->value()};
}

void Request::set_route(std::string_view route, Params params)
{
    route_ = route;
    params_ = std::move(params);
}

std::string Request::param(std::string_view name) const
{
    for (auto const& [key, value] : params_)
        if (key == name)
            return percent_decode(value);
    throw std::out_of_range{"route " + std::string{route_} + " has no parameter " +
                            std::string{name}};
}

std::optional<std::string> Request::query(std::string_view name) const
{
    std::string_view rest = query_;
    while (!rest.empty()) {
        auto const amp = rest.find('&');
        auto const pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        auto const eq = pair.find('=');
        auto const key = pair.substr(0, eq);
        if (percent_decode(key, true) != name)
            continue;
        return eq == std::string_view::npos ? std::string{}
                                            : percent_decode(pair.substr(eq + 1), true);
    }
    return std::nullopt;
}

nlohmann::json Request::json() const
{
    auto parsed = nlohmann::json::parse(body(), nullptr, false);
    if (parsed.is_discarded())
        throw Error{Status::bad_request, "Request body is not valid JSON"};
    return parsed;
}

} // namespace shop::http
