#pragma once
// An upstream's response parsed straight into the client's: status, body, media type and
// the end-to-end headers, with the hop-by-hop ones and those the gateway sets itself
// dropped as they arrive. Beast does the framing (Content-Length, chunked, limits); no
// header container sits in between, so an answer whose headers are all the gateway's own
// costs no allocation but its body.
#include <shop/http/response.hpp>

#include <boost/beast/http/basic_parser.hpp>

#include <string>
#include <vector>

namespace shop::gateway {

class UpstreamResponseParser final : public boost::beast::http::basic_parser<false> {
public:
    // The client's response so far; whole once is_done().
    http::Response& response() noexcept { return response_; }
    // Whether a status line has been read: what follows is an answer to the request, even
    // should it turn out malformed or too large.
    bool answered() const noexcept { return answered_; }

private:
    using string_view = boost::beast::string_view;
    using error_code = boost::beast::error_code;
    using field = boost::beast::http::field;

    void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                         error_code&) override
    {}
    void on_response_impl(int code, string_view, int, error_code&) override;
    void on_field_impl(field name, string_view name_string, string_view value,
                       error_code&) override;
    void on_header_impl(error_code&) override;
    void on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code&) override;
    std::size_t on_body_impl(string_view body, error_code&) override;
    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
    std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override;
    void on_finish_impl(error_code&) override {}

    http::Response response_;
    std::vector<std::string> connection_values_; // the Connection headers' values, rarely any
    bool answered_ = false;
};

} // namespace shop::gateway
