#include <shop/http/router.hpp>

#include <boost/container/small_vector.hpp>

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

// The path's segments, split once per request; a path of more segments than any route has
// matches none.
using Segments = boost::container::small_vector<std::string_view, 8>;

Segments split_path(std::string_view path)
{
    Segments segments;
    if (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1); // a single trailing slash is ignored
    if (path.empty() || path == "/")
        return segments;
    std::string_view rest = path.substr(1);
    for (;;) {
        auto const slash = rest.find('/');
        segments.push_back(rest.substr(0, slash));
        if (slash == std::string_view::npos)
            return segments;
        rest = rest.substr(slash + 1);
    }
}

// A route of the path's length whose literals equal the path's segments.
bool matches(Route const& route, Segments const& path)
{
    for (std::size_t i = 0; i < path.size(); ++i) {
        auto const& segment = route.segments[i];
        if (is_param(segment) ? path[i].empty() : segment != path[i])
            return false;
    }
    return true;
}

Request::Params params_of(Route const& route, Segments const& path)
{
    Request::Params params;
    for (std::size_t i = 0; i < path.size(); ++i)
        if (is_param(route.segments[i]))
            params.emplace_back(std::string_view{route.segments[i]}.substr(1), path[i]);
    return params;
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
    auto const length = segments.size();
    routes_.push_back(std::make_unique<Route>(Route{routes_.size(), method, std::string{pattern},
                                                    std::move(segments), std::move(handler)}));
    if (by_length_.size() <= length)
        by_length_.resize(length + 1);
    by_length_[length].push_back(routes_.back().get());
    return *this;
}

Match Router::match(Verb method, std::string_view path) const
{
    auto const segments = split_path(path);
    if (segments.size() >= by_length_.size())
        return {};
    auto const& candidates = by_length_[segments.size()];

    // The routes of the method (and GET's for a HEAD) first: the method is cheaper to
    // compare than the path, and the allowed methods are needed only when none matches.
    Match best;
    Route const* head_fallback = nullptr;
    for (auto const* route : candidates) {
        bool const same_method = route->method == method;
        if (!same_method && !(method == Verb::head && route->method == Verb::get))
            continue;
        if (!matches(*route, segments))
            continue;
        auto& slot = same_method ? best.route : head_fallback;
        if (!slot || more_specific(*route, *slot))
            slot = route;
    }
    if (!best.route)
        best.route = head_fallback;
    if (best.route) {
        best.params = params_of(*best.route, segments);
        return best;
    }

    // No route of this method: which methods the path has (405 and its Allow header).
    for (auto const* route : candidates) {
        auto const name = boost::beast::http::to_string(route->method);
        if (best.allowed.find(name) != std::string::npos || !matches(*route, segments))
            continue;
        if (!best.allowed.empty())
            best.allowed += ", ";
        best.allowed += name;
        if (route->method == Verb::get)
            best.allowed += ", HEAD";
    }
    return best;
}

Router& Router::fallback(Fallback fallback)
{
    fallback_ = std::move(fallback);
    return *this;
}

} // namespace shop::http
