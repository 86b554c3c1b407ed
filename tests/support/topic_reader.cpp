#include "topic_reader.hpp"

namespace shop::test {

TopicReader::TopicReader(kafka::Config const& config, kafka::Producer& producer,
                         std::vector<std::string> const& topics)
    : consumer_{config, producer}
{
    for (auto const& topic : topics)
        consumer_.on(topic, [this](kafka::Record const& r) {
            std::lock_guard lock{mutex_};
            records_.push_back(r);
        });
    consumer_.start();
}

std::vector<kafka::Record> TopicReader::records() const
{
    std::lock_guard lock{mutex_};
    return records_;
}

} // namespace shop::test
