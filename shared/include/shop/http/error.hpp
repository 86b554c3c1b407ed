#pragma once
// One error type for the whole HTTP layer, rendered in NestJS's shape:
// {"statusCode":404,"message":"...","error":"Not Found","requestId":"..."}
#include <boost/beast/http/status.hpp>

#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shop::http {

using Status = boost::beast::http::status;

class Error : public std::runtime_error {
public:
    Error(Status status, std::string message);
    // Validation failures: NestJS sends every broken rule as an array of messages.
    Error(Status status, std::vector<std::string> messages);

    Status status() const noexcept { return status_; }
    std::vector<std::string> const& messages() const noexcept { return messages_; }
    bool is_list() const noexcept { return is_list_; }

private:
    Status status_;
    std::vector<std::string> messages_;
    bool is_list_;
};

// The reason phrase NestJS puts in "error" ("Not Found", "Payload Too Large", ...).
std::string_view reason(Status status);

// {"statusCode":…,"message":…,"error":…,"requestId":…}
std::string error_body(Error const& error, std::string_view request_id);

// The central exception → HTTP error map. Unknown exceptions become a 500 whose body
// reveals nothing of the cause (the cause is logged by the caller).
Error to_http_error(std::exception_ptr const& failure);

// A module's own exceptions → HTTP errors (e.g. the database's SQLSTATE map: a duplicate
// is 409). Registered at start-up, before serving; registering one twice is harmless.
using ErrorMapper = std::optional<Error> (*)(std::exception const&);
void add_error_mapper(ErrorMapper mapper);

} // namespace shop::http
