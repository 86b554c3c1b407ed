#pragma once
// Every record one or more topics carry, read by a consumer group of the test's own from the
// beginning of each topic, for assertions on what services published.
#include <shop/kafka/consumer.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace shop::test {

class TopicReader {
public:
    // `producer` takes the reader's dead letters (there are none: every record is kept).
    TopicReader(kafka::Config const& config, kafka::Producer& producer,
                std::vector<std::string> const& topics);

    std::vector<kafka::Record> records() const;

private:
    kafka::Consumer consumer_;
    mutable std::mutex mutex_;
    std::vector<kafka::Record> records_;
};

} // namespace shop::test
