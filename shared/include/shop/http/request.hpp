#pragma once
// An incoming request as handlers see it: the parsed message, its id, its route and
// path parameters, and typed access to query and JSON body.
#include <shop/log/log.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/container/small_vector.hpp>
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::http {

using Verb = boost::beast::http::verb;

class Request {
public:
    using Message = boost::beast::http::request<boost::beast::http::string_body>;
    // (name from the route pattern, raw value from the path)
    using Params = boost::container::small_vector<std::pair<std::string_view, std::string_view>, 4>;

    Request(Message message, std::string request_id);
    Request(Request&&) = delete; // path(), params and route point into this object

    // False when the target is not an origin-form path (the server answers 400).
    bool has_valid_target() const { return valid_target_; }
    Verb method() const { return message_.method(); }
    std::string_view method_name() const { return message_.method_string(); }
    std::string_view target() const { return message_.target(); }
    std::string_view path() const { return path_; } // percent-encoded, no query
    // "/api" or below it: the routes behind the API key, with the API's headers.
    bool is_api() const { return path_ == "/api" || path_.starts_with("/api/"); }
    std::string_view query_string() const { return query_; }
    std::string const& body() const { return message_.body(); }
    std::string const& request_id() const { return request_id_; }
    Message const& message() const { return message_; }

    // A header's value, or "" when absent.
    std::string_view header(std::string_view name) const;

    // The matched route template (e.g. "/api/users/:id"), "" before routing.
    std::string_view route() const { return route_; }
    void set_route(std::string_view route, Params params);

    // A path parameter, percent-decoded. Asking for a name the route does not have is a
    // programming error (std::out_of_range).
    std::string param(std::string_view name) const;

    // A query parameter, percent-decoded; the first when repeated.
    std::optional<std::string> query(std::string_view name) const;

    // The body as JSON. Throws Error{400} when it is not JSON.
    nlohmann::json json() const;

    log::Context log_context() const { return {request_id_, {}, {}}; }

    // The connection's peer address ("127.0.0.1", "::1"), set by the server.
    std::string const& client_address() const { return client_address_; }
    void set_client_address(std::string address) { client_address_ = std::move(address); }

private:
    Message message_;
    std::string request_id_;
    std::string client_address_;
    std::string_view path_;
    std::string_view query_;
    std::string_view route_;
    Params params_;
    bool valid_target_ = false;
};

// Percent-decoding of a path segment or query component ('+' stays '+' in paths).
std::string percent_decode(std::string_view text, bool plus_is_space = false);

} // namespace shop::http
