#include <shop/outbox/outbox.hpp>

#include <nlohmann/json.hpp>

namespace shop::outbox {

void append(pqxx::work& tx, events::Envelope const& envelope, std::string_view key,
            std::string_view traceparent)
{
    nlohmann::json headers{{events::header::kRequestId, envelope.correlation_id},
                           {events::header::kEventType, envelope.event_type},
                           {events::header::kContentType, events::kContentType}};
    if (!traceparent.empty())
        headers[std::string{events::header::kTraceparent}] = traceparent;
    tx.exec_params("INSERT INTO outbox (event_id, topic, key, payload, headers) "
                   "VALUES ($1, $2, $3, $4, $5::jsonb)",
                   envelope.event_id, envelope.event_type, std::string{key}, envelope.to_json(),
                   headers.dump());
    tx.exec_params("SELECT pg_notify($1, '')", std::string{kChannel});
}

} // namespace shop::outbox

namespace shop::inbox {

bool remember(pqxx::work& tx, std::string_view event_id, std::string_view topic)
{
    auto const inserted = tx.exec_params("INSERT INTO processed_events (event_id, topic) "
                                         "VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                         std::string{event_id}, std::string{topic});
    return inserted.affected_rows() == 1;
}

} // namespace shop::inbox
