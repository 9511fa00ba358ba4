#include "server/services/event_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status EventServiceImpl::WatchEvents(grpc::ServerContext* context,
                                           const v1::WatchEventsRequest* request,
                                           grpc::ServerWriter<v1::Event>* writer) {
  return ServeStream(gate_, "EventService.WatchEvents", context, writer,
                     [&](const CallContext& call, auto cancelled, auto write) {
                       return events_.Watch(*request, call, cancelled, write);
                     });
}

grpc::Status EventServiceImpl::ListLeadEvents(grpc::ServerContext* context,
                                              const v1::ListLeadEventsRequest* request,
                                              v1::ListLeadEventsResponse* response) {
  return Serve(gate_, "EventService.ListLeadEvents", context, response,
               [&](const CallContext&) { return events_.ListLeadEvents(*request); });
}

}  // namespace leadrouter::server
