#include <shop/http/router.hpp>

#include <cctype>
#include <stdexcept>

namespace shop::http {
namespace {

bool is_param(std::string_view segment)
{
    return !segment.empty() && segment.front() == ':';
}

bool valid_param_name(std::string_view name)
{
    if (name.empty() ||
        !(std::isalpha(static_cast<unsigned char>(name.front())) || name.front() == '_'))
        return false;
    for (char const c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

std::vector<std::string> split_pattern(std::string_view pattern)
{
    if (pattern.empty() || pattern.front() != '/')
        throw std::invalid_argument{"route pattern must start with '/': " + std::string{pattern}};
    std::vector<std::string> segments;
    if (pattern == "/")
        return segments;
    std::string_view rest = pattern.substr(1);
    for (;;) {
        auto const slash = rest.find('/');
        auto const segment = rest.substr(0, slash);
        if (segment.empty() || (is_param(segment) && !valid_param_name(segment.substr(1))))
            throw std::invalid_argument{"malformed route pattern: " + std::string{pattern}};
        segments.emplace_back(segment);
        if (slash == std::string_view::npos)
            return segments;
        rest = rest.substr(slash + 1);
    }
}

// Matches the path (without its leading '/') against a route; fills params on success.
bool matches(Route const& route, std::string_view rest, Request::Params& params)
{
    params.clear();
    bool exhausted = rest.empty();
    for (auto const& segment : route.segments) {
        if (exhausted)
            return false;
        auto const slash = rest.find('/');
        auto const part = rest.substr(0, slash);
        if (is_param(segment)) {
            if (part.empty())
                return false;
            params.emplace_back(std::string_view{segment}.substr(1), part);
        } else if (segment != part) {
            return false;
        }
        exhausted = slash == std::string_view::npos;
        rest = exhausted ? std::string_view{} : rest.substr(slash + 1);
    }
    return exhausted;
}

// At the first segment where two matching routes differ, a literal beats a parameter.
bool more_specific(Route const& a, Route const& b)
{
    for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
        bool const a_param = is_param(a.segments[i]);
        bool const b_param = is_param(b.segments[i]);
        if (a_param != b_param)
            return b_param;
    }
    return false;
}

bool same_shape(Route const& a, std::vector<std::string> const& segments)
{
    if (a.segments.size() != segments.size())
        return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        bool const both_params = is_param(a.segments[i]) && is_param(segments[i]);
        if (!both_params && a.segments[i] != segments[i])
            return false;
    }
    return true;
}

} // namespace

Router& Router::get(std::string_view p, Handler h)
{
    return add(Verb::get, p, std::move(h));
}
Router& Router::post(std::string_view p, Handler h)
{
    return add(Verb::post, p, std::move(h));
}
Router& Router::put(std::string_view p, Handler h)
{
    return add(Verb::put, p, std::move(h));
}
Router& Router::patch(std::string_view p, Handler h)
{
    return add(Verb::patch, p, std::move(h));
}
Router& Router::del(std::string_view p, Handler h)
{
    return add(Verb::delete_, p, std::move(h));
}

Router& Router::add(Verb method, std::string_view pattern, Handler handler)
{
    auto segments = split_pattern(pattern);
    for (auto const& route : routes_)
        if (route->method == method && same_shape(*route, segments))
            throw std::invalid_argument{"route registered twice: " + std::string{pattern}};
    routes_.push_back(std::make_unique<Route>(Route{routes_.size(), method, std::string{pattern},
                                                    std::move(segments), std::move(handler)}));
    return *this;
}

Match Router::match(Verb method, std::string_view path) const
{
    if (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    std::string_view const rest = path.empty() ? path : path.substr(1);

    // The routes of the method (and GET's for a HEAD) first: the method is cheaper to
    // compare than the path, and the allowed methods are needed only when none matches.
    Match best;
    Route const* head_fallback = nullptr;
    Request::Params params;
    Request::Params head_params;
    for (auto const& route : routes_) {
        bool const same_method = route->method == method;
        if (!same_method && !(method == Verb::head && route->method == Verb::get))
            continue;
        if (!matches(*route, rest, params))
            continue;
        if (same_method) {
            if (!best.route || more_specific(*route, *best.route)) {
                best.route = route.get();
                best.params = params;
            }
        } else if (!head_fallback || more_specific(*route, *head_fallback)) {
            head_fallback = route.get();
            head_params = params;
        }
    }
    if (!best.route && head_fallback) {
        best.route = head_fallback;
        best.params = std::move(head_params);
    }
    if (best.route)
        return best;

    // No route of this method: which methods the path has (405 and its Allow header).
    for (auto const& route : routes_) {
        auto const name = boost::beast::http::to_string(route->method);
        if (best.allowed.find(name) != std::string::npos || !matches(*route, rest, params))
            continue;
        if (!best.allowed.empty())
            best.allowed += ", ";
        best.allowed += name;
        if (route->method == Verb::get)
            best.allowed += ", HEAD";
    }
    return best;
}

} // namespace shop::http
