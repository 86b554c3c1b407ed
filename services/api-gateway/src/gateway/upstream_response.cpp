#include "gateway/upstream_response.hpp"

#include "gateway/hop_by_hop.hpp"
#include "gateway/stages.hpp"

#include <shop/text/case.hpp>

#include <algorithm>
#include <mutex>
#include <set>

namespace shop::gateway {
namespace {

using text::iequals;

// Response headers the gateway sets itself, or that would tell about the upstream.
bool is_gateway_owned(std::string_view name)
{
    using namespace std::string_view_literals; // no strlen per name and call
    for (auto const owned : {"content-length"sv, "content-type"sv, "date"sv, "x-request-id"sv,
                             "server"sv, "x-powered-by"sv})
        if (iequals(name, owned))
            return true;
    return is_security_header(name);
}

// Response.content_type must outlive the response: upstream media types are kept in a
// small process-wide set (there are few distinct ones); beyond it, octet-stream.
std::string_view interned_content_type(std::string_view type)
{
    static constexpr std::string_view kDefault = "application/octet-stream";
    static constexpr std::size_t kMaxTypes = 256;
    static std::mutex mutex;
    static std::set<std::string, std::less<>> types;
    if (type.empty() || type.size() > 200)
        return kDefault;
    thread_local std::string_view last; // most answers carry the type of the one before
    if (type == last)
        return last;
    std::lock_guard const lock{mutex};
    auto it = types.find(type);
    if (it == types.end()) {
        if (types.size() >= kMaxTypes)
            return kDefault;
        it = types.emplace(type).first;
    }
    return last = *it;
}

// False for a hop-by-hop header or one the gateway sets itself. Beast has already named
// the well-known fields, so most are decided by their enum; only unknown names (and the
// open-ended Proxy-* family) are compared as text.
bool passes_on(boost::beast::http::field name, std::string_view name_string)
{
    using boost::beast::http::field;
    switch (name) {
    case field::connection:
    case field::keep_alive:
    case field::te:
    case field::trailer:
    case field::transfer_encoding:
    case field::upgrade:
    case field::content_length:
    case field::content_type:
    case field::date:
    case field::server:
        return false;
    case field::unknown:
        return !is_hop_by_hop(name_string, {}) && !is_gateway_owned(name_string);
    default:
        return !text::istarts_with(name_string, "proxy-") && !is_security_header(name_string);
    }
}

} // namespace

void UpstreamResponseParser::on_response_impl(int code, string_view, int, error_code&)
{
    answered_ = true;
    response_.status = static_cast<http::Status>(code);
    response_.content_type = interned_content_type({});
}

void UpstreamResponseParser::on_field_impl(field name, string_view name_string, string_view value,
                                           error_code&)
{
    if (name == field::content_type) {
        response_.content_type = interned_content_type(value);
        return;
    }
    // "keep-alive" and "close" (what nginx and most servers send) name no other header.
    if (name == field::connection && !iequals(value, "keep-alive") && !iequals(value, "close"))
        connection_values_.emplace_back(value);
    if (!passes_on(name, name_string))
        return;
    response_.headers.emplace_back(std::string{name_string}, std::string{value});
}

void UpstreamResponseParser::on_header_impl(error_code&)
{
    if (connection_values_.empty())
        return;
    // Headers named by Connection are hop-by-hop too, wherever they came in the header.
    auto const options = connection_options({connection_values_.begin(), connection_values_.end()});
    std::erase_if(response_.headers,
                  [&options](auto const& header) { return is_hop_by_hop(header.first, options); });
}

void UpstreamResponseParser::on_body_init_impl(boost::optional<std::uint64_t> const& length,
                                               error_code&)
{
    if (length) // a hint only: what arrives is bounded by the parser's body limit
        response_.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, 1 << 20)));
}

std::size_t UpstreamResponseParser::on_body_impl(string_view body, error_code&)
{
    response_.body.append(body.data(), body.size());
    return body.size();
}

std::size_t UpstreamResponseParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&)
{
    response_.body.append(body.data(), body.size());
    return body.size();
}

} // namespace shop::gateway
