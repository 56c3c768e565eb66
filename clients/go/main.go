// Command responses-client is a small Go client of the bridge's ResponsesService.
//
// Usage:
//
//	responses-client -target 127.0.0.1:50051 -model gpt-4.1 -text "Hello"
//	responses-client -target 127.0.0.1:50051 -text "Count 40 words" -stream
//	responses-client -target bridge.example.com:443 -ca ca.pem -token-file token -text "Hello"
//	responses-client -target 127.0.0.1:50051 -text "weather in Paris" -session
//
// Unary prints the response's output text. With -stream it prints each text delta
// as it arrives, then a newline. With -session it runs a two-turn tool loop over one
// Session (the agent loop of the Responses API's WebSocket mode): the model is offered a
// get_weather function, its call is printed ("call NAME ARGUMENTS") and answered with
// -tool-output through previous_response_id, and the next turn's text is printed. On a
// non-OK status, or an error event in a session, it prints the status code and message
// to stderr and exits 1.
//
// The connection is plaintext unless -tls, -ca or -cert is given. The bearer token
// comes from -token-file, else -token, else the BRIDGE_TOKEN variable; -target and
// -model default to BRIDGE_TARGET and BRIDGE_MODEL when those are set.
//
// Build it with tools/stubs.sh (make stubs), which generates the stubs first.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	responsesv1 "example.com/responsesbridge/gen/rbridge/responses/v1"
)

// The bridge sends messages up to 64 MiB (BRIDGE_MAX_MESSAGE_BYTES); gRPC clients
// receive 4 MiB by default, which a response with inline images can exceed.
const maxReceiveBytes = 64 << 20

// codeNames are the canonical status names (codes.Code.String gives "Unavailable").
var codeNames = map[codes.Code]string{
	codes.OK:                 "OK",
	codes.Canceled:           "CANCELLED",
	codes.Unknown:            "UNKNOWN",
	codes.InvalidArgument:    "INVALID_ARGUMENT",
	codes.DeadlineExceeded:   "DEADLINE_EXCEEDED",
	codes.NotFound:           "NOT_FOUND",
	codes.AlreadyExists:      "ALREADY_EXISTS",
	codes.PermissionDenied:   "PERMISSION_DENIED",
	codes.ResourceExhausted:  "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION",
	codes.Aborted:            "ABORTED",
	codes.OutOfRange:         "OUT_OF_RANGE",
	codes.Unimplemented:      "UNIMPLEMENTED",
	codes.Internal:           "INTERNAL",
	codes.Unavailable:        "UNAVAILABLE",
	codes.DataLoss:           "DATA_LOSS",
	codes.Unauthenticated:    "UNAUTHENTICATED",
}

// tokenVariable holds the bearer token when no flag gives one.
const tokenVariable = "BRIDGE_TOKEN"

// envOr returns the environment variable's value, or fallback when it is unset or empty.
func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

func main() {
	target := flag.String("target", envOr("BRIDGE_TARGET", "127.0.0.1:50051"),
		"bridge address, host:port (BRIDGE_TARGET)")
	model := flag.String("model", envOr("BRIDGE_MODEL", "gpt-4.1-mini"), "model id (BRIDGE_MODEL)")
	text := flag.String("text", "", "the user text (required)")
	stream := flag.Bool("stream", false, "stream the answer's text as it arrives")
	session := flag.Bool("session", false, "run a two-turn tool loop over one Session")
	toolOutput := flag.String("tool-output", "sunny", "with -session: the function's result")
	timeout := flag.Float64("timeout", 600, "deadline of the call, in seconds")
	useTLS := flag.Bool("tls", false, "use TLS, trusting the system's root certificates")
	caFile := flag.String("ca", "", "trust this CA certificate (PEM); implies -tls")
	certFile := flag.String("cert", "", "client certificate chain (PEM) for mutual TLS")
	keyFile := flag.String("key", "", "the client certificate's private key (PEM)")
	tokenFile := flag.String("token-file", "", "send the bearer token in this file")
	token := flag.String("token", "",
		"bearer token; visible to other users in ps: prefer -token-file or "+tokenVariable)
	flag.Parse()
	if *text == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	transport, err := transportOption(*useTLS, *caFile, *certFile, *keyFile)
	if err != nil {
		usageError(err)
	}
	bearer, err := bearerToken(*tokenFile, *token)
	if err != nil {
		usageError(err)
	}

	conn, err := grpc.Dial(*target, transport,
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxReceiveBytes)))
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	client := responsesv1.NewResponsesServiceClient(conn)
	deadline := time.Duration(*timeout * float64(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if bearer != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+bearer)
	}

	request := &responsesv1.CreateResponseRequest{
		Model: proto.String(*model),
		Input: &responsesv1.Input{Input: &responsesv1.Input_Text{Text: *text}},
	}
	if *session {
		err = toolLoop(ctx, client, request, *toolOutput)
	} else if *stream {
		err = streamText(ctx, client, request)
	} else {
		err = printText(ctx, client, request)
	}
	if err != nil {
		cancel()
		conn.Close()
		fail(err)
	}
}

// transportOption is how the connection is secured: TLS (mutual TLS with a client
// certificate) when asked for, else plaintext.
func transportOption(useTLS bool, caFile, certFile, keyFile string) (grpc.DialOption, error) {
	if (certFile == "") != (keyFile == "") {
		return nil, errors.New("a client certificate needs both -cert and -key")
	}
	if !useTLS && caFile == "" && certFile == "" {
		// Plaintext, as the bridge listens by default. This is the only spelling
		// Debian's grpc-go 1.33 has; grpc-go 1.34 and later write
		// grpc.WithTransportCredentials(insecure.NewCredentials()).
		return grpc.WithInsecure(), nil
	}
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		config.RootCAs = x509.NewCertPool()
		if !config.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("no PEM certificate in %s", caFile)
		}
	}
	if certFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		config.Certificates = []tls.Certificate{pair}
	}
	return grpc.WithTransportCredentials(credentials.NewTLS(config)), nil
}

// bearerToken is the token to send: from the file, else the flag (with a warning),
// else the environment; "" sends none.
func bearerToken(tokenFile, token string) (string, error) {
	if tokenFile != "" {
		content, err := os.ReadFile(tokenFile)
		if err != nil {
			return "", err
		}
		trimmed := strings.TrimSpace(string(content))
		if trimmed == "" {
			return "", fmt.Errorf("no token in %s", tokenFile)
		}
		return trimmed, nil
	}
	if token != "" {
		fmt.Fprintln(os.Stderr,
			"warning: -token is visible to other users in ps; use -token-file or "+tokenVariable)
		return token, nil
	}
	return os.Getenv(tokenVariable), nil
}

// usageError prints a problem with the flags and exits 2.
func usageError(err error) {
	fmt.Fprintf(os.Stderr, "responses-client: %v\n", err)
	os.Exit(2)
}

// printText calls CreateResponse and prints the response's output text.
func printText(ctx context.Context, client responsesv1.ResponsesServiceClient,
	request *responsesv1.CreateResponseRequest) error {
	response, err := client.CreateResponse(ctx, request)
	if err != nil {
		return err
	}
	fmt.Println(outputText(response))
	return nil
}

// streamText calls StreamCreateResponse and prints each text delta as it arrives.
func streamText(ctx context.Context, client responsesv1.ResponsesServiceClient,
	request *responsesv1.CreateResponseRequest) error {
	events, err := client.StreamCreateResponse(ctx, request)
	if err != nil {
		return err
	}
	printed := false
	for {
		event, err := events.Recv()
		if err == io.EOF {
			// The stream ended OK: the bridge saw response.completed or .incomplete.
			fmt.Println()
			return nil
		}
		if err != nil {
			if printed {
				fmt.Println()
			}
			return err
		}
		// Other events (created, output_item_added, completed, ...) are not printed;
		// event.GetCompleted().GetResponse() holds the final Response.
		if delta := event.GetOutputTextDelta(); delta != nil {
			os.Stdout.WriteString(delta.GetDelta())
			printed = true
		}
	}
}

// sessionLane is the stream_id of the tool loop's creates.
const sessionLane = "agent"

// toolLoop runs the agent loop over one Session: a create offering get_weather, the
// function call it answers with, then a create carrying the call's output (continuing
// the first response through previous_response_id) and the text it answers with.
func toolLoop(ctx context.Context, client responsesv1.ResponsesServiceClient,
	request *responsesv1.CreateResponseRequest, toolOutput string) error {
	parameters, err := structpb.NewStruct(map[string]interface{}{
		"type":       "object",
		"properties": map[string]interface{}{"input": map[string]interface{}{"type": "string"}},
		"required":   []interface{}{"input"},
	})
	if err != nil {
		return err
	}
	tools := []*responsesv1.Tool{{Tool: &responsesv1.Tool_Function{Function: &responsesv1.FunctionTool{
		Name:        proto.String("get_weather"),
		Description: proto.String("The current weather of a place"),
		Parameters:  parameters,
		Strict:      proto.Bool(false),
	}}}}
	session, err := client.Session(ctx)
	if err != nil {
		return err
	}
	request.Tools = tools
	first, err := turn(session, request)
	if err != nil {
		return err
	}
	var call *responsesv1.FunctionCallItem
	for _, item := range first.GetOutput() {
		if found := item.GetFunctionCall(); found != nil {
			call = found
		}
	}
	if call == nil {
		return fmt.Errorf("the first turn called no function: %q", outputText(first))
	}
	fmt.Printf("call %s %s\n", call.GetName(), call.GetArguments())
	output := &responsesv1.Item{Item: &responsesv1.Item_FunctionCallOutput{
		FunctionCallOutput: &responsesv1.FunctionCallOutputItem{
			CallId: proto.String(call.GetCallId()),
			Output: &responsesv1.Content{Content: &responsesv1.Content_Text{Text: toolOutput}},
		},
	}}
	second, err := turn(session, &responsesv1.CreateResponseRequest{
		Model:              request.Model,
		PreviousResponseId: proto.String(first.GetId()),
		Tools:              tools,
		Input: &responsesv1.Input{Input: &responsesv1.Input_Items{
			Items: &responsesv1.ItemList{Items: []*responsesv1.Item{output}},
		}},
	})
	if err != nil {
		return err
	}
	fmt.Println(outputText(second))
	// Half-close: the session ends OK once its responses have.
	if err := session.CloseSend(); err != nil {
		return err
	}
	for {
		if _, err := session.Recv(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// turn sends one response.create on the session's lane and reads until that response
// ends; an error event is returned as an error carrying its HTTP status.
func turn(session responsesv1.ResponsesService_SessionClient,
	request *responsesv1.CreateResponseRequest) (*responsesv1.Response, error) {
	create := &responsesv1.ResponsesClientEvent{Event: &responsesv1.ResponsesClientEvent_ResponseCreate{
		ResponseCreate: &responsesv1.ResponseCreateEvent{
			StreamId: proto.String(sessionLane),
			Response: request,
		},
	}}
	if err := session.Send(create); err != nil {
		return nil, err
	}
	for {
		message, err := session.Recv()
		if err != nil {
			return nil, err
		}
		event := message.GetEvent()
		if failure := event.GetError(); failure != nil {
			text := failure.GetMessage()
			if text == "" {
				text = failure.GetError().GetMessage()
			}
			return nil, status.Errorf(codes.Unknown, "error event (HTTP %d): %s",
				failure.GetStatus(), text)
		}
		for _, end := range []*responsesv1.ResponseEvent{
			event.GetCompleted(), event.GetIncomplete(), event.GetFailed(),
		} {
			if end != nil {
				return end.GetResponse(), nil
			}
		}
	}
}

// outputText concatenates the output_text parts of the response's messages, like
// the OpenAI SDKs' output_text.
func outputText(response *responsesv1.Response) string {
	var text strings.Builder
	for _, item := range response.GetOutput() {
		message := item.GetMessage()
		if message == nil {
			continue
		}
		content := message.GetContent()
		if whole, ok := content.GetContent().(*responsesv1.Content_Text); ok {
			text.WriteString(whole.Text)
			continue
		}
		for _, part := range content.GetParts().GetParts() {
			if part.GetOutputText() != nil {
				text.WriteString(part.GetOutputText().GetText())
			}
		}
	}
	return text.String()
}

// fail prints the status code and message to stderr and exits 1.
func fail(err error) {
	st := status.Convert(err)
	name, ok := codeNames[st.Code()]
	if !ok {
		name = st.Code().String()
	}
	fmt.Fprintf(os.Stderr, "%s: %s\n", name, st.Message())
	os.Exit(1)
}
