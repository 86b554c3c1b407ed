#pragma once
// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded:
// Connection and every header it names, Keep-Alive, TE, Transfer-Encoding, Upgrade,
// Proxy-Connection and the other Proxy-* headers.
#include <string>
#include <string_view>
#include <vector>

namespace shop::gateway {

// The header names listed by the Connection header field(s), lower-cased.
std::vector<std::string> connection_options(std::vector<std::string_view> const& connection_values);

// True for a header that must not cross the gateway, given the message's Connection options.
bool is_hop_by_hop(std::string_view name, std::vector<std::string> const& connection_options);

} // namespace shop::gateway
