// EventService over gRPC: one-line shims over EventFeed (server/events/event_feed.h).
#pragma once

#include "leadrouter/v1/events.grpc.pb.h"
#include "server/events/event_feed.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class EventServiceImpl final : public leadrouter::v1::EventService::Service {
 public:
  EventServiceImpl(const CallGate& gate, EventFeed& events) : gate_(gate), events_(events) {}

  grpc::Status WatchEvents(grpc::ServerContext* context,
                           const leadrouter::v1::WatchEventsRequest* request,
                           grpc::ServerWriter<leadrouter::v1::Event>* writer) override;
  grpc::Status ListLeadEvents(grpc::ServerContext* context,
                              const leadrouter::v1::ListLeadEventsRequest* request,
                              leadrouter::v1::ListLeadEventsResponse* response) override;

 private:
  const CallGate& gate_;
  EventFeed& events_;
};

}  // namespace leadrouter::server
