// clientv3-bench measures raw etcd with etcd's own Go client (clientv3), the reference that
// headnet's EtcdClient and `headnet bench` are compared against: sequential puts per second,
// puts per second with K in flight, and put→watch latency (p50/p90/p99). It prints one JSON
// object. Build it with scripts/clientv3-bench.sh (GOPATH mode, Debian's golang-etcd-server-dev).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/pkg/transport"
)

type result struct {
	Client           string  `json:"client"`
	Endpoints        string  `json:"endpoints"`
	ValueBytes       int     `json:"valueBytes"`
	SequentialPuts   int     `json:"sequentialPuts"`
	SequentialPerSec float64 `json:"sequentialPutsPerSecond"`
	InFlight         int     `json:"inFlight"`
	InFlightPuts     int     `json:"inFlightPuts"`
	InFlightPerSec   float64 `json:"inFlightPutsPerSecond"`
	LatencySamples   int     `json:"latencySamples"`
	PutToWatchP50Ms  float64 `json:"putToWatchP50Ms"`
	PutToWatchP90Ms  float64 `json:"putToWatchP90Ms"`
	PutToWatchP99Ms  float64 `json:"putToWatchP99Ms"`
}

func main() {
	endpoints := flag.String("endpoints", "http://127.0.0.1:2379", "etcd client URLs, comma-separated")
	puts := flag.Int("puts", 2000, "puts per throughput measurement")
	inFlight := flag.Int("in-flight", 64, "puts in flight for the concurrent measurement")
	samples := flag.Int("samples", 1000, "put→watch latency samples")
	size := flag.Int("size", 1024, "value size in bytes")
	cacert := flag.String("cacert", "", "CA certificate (TLS)")
	cert := flag.String("cert", "", "client certificate (TLS)")
	key := flag.String("key", "", "client key (TLS)")
	flag.Parse()

	config := clientv3.Config{Endpoints: strings.Split(*endpoints, ","), DialTimeout: 5 * time.Second}
	if *cacert != "" {
		info := transport.TLSInfo{TrustedCAFile: *cacert, CertFile: *cert, KeyFile: *key}
		tlsConfig, err := info.ClientConfig()
		fail(err, "TLS configuration")
		config.TLS = tlsConfig
	}
	client, err := clientv3.New(config)
	fail(err, "connect")
	defer client.Close()
	ctx := context.Background()
	value := strings.Repeat("x", *size)
	out := result{Client: "etcd clientv3 (Go)", Endpoints: *endpoints, ValueBytes: *size}

	// Sequential puts.
	start := time.Now()
	for i := 0; i < *puts; i++ {
		_, err := client.Put(ctx, fmt.Sprintf("bench/seq/%d", i), value)
		fail(err, "put")
	}
	out.SequentialPuts = *puts
	out.SequentialPerSec = float64(*puts) / time.Since(start).Seconds()

	// K in flight.
	var wg sync.WaitGroup
	next := make(chan int)
	start = time.Now()
	for w := 0; w < *inFlight; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				_, err := client.Put(ctx, fmt.Sprintf("bench/par/%d", i), value)
				fail(err, "put")
			}
		}()
	}
	for i := 0; i < *puts; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	out.InFlight = *inFlight
	out.InFlightPuts = *puts
	out.InFlightPerSec = float64(*puts) / time.Since(start).Seconds()

	// put → watch: one put at a time, timed until the watch delivers it.
	watchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := client.Watch(watchCtx, "bench/lat/", clientv3.WithPrefix())
	latencies := make([]float64, 0, *samples)
	for i := 0; i < *samples; i++ {
		k := fmt.Sprintf("bench/lat/%d", i)
		begin := time.Now()
		_, err := client.Put(ctx, k, value)
		fail(err, "put")
		for seen := false; !seen; {
			response, ok := <-events
			if !ok {
				fail(fmt.Errorf("the watch ended"), "watch")
			}
			for _, event := range response.Events {
				if string(event.Kv.Key) == k {
					seen = true
				}
			}
		}
		latencies = append(latencies, float64(time.Since(begin).Microseconds())/1000)
	}
	sort.Float64s(latencies)
	out.LatencySamples = len(latencies)
	out.PutToWatchP50Ms = quantile(latencies, 0.50)
	out.PutToWatchP90Ms = quantile(latencies, 0.90)
	out.PutToWatchP99Ms = quantile(latencies, 0.99)

	_, err = client.Delete(ctx, "bench/", clientv3.WithPrefix())
	fail(err, "delete")
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	fail(encoder.Encode(out), "print")
}

func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	index := int(q*float64(len(sorted))+0.5) - 1
	if index < 0 {
		index = 0
	}
	if index >= len(sorted) {
		index = len(sorted) - 1
	}
	return sorted[index]
}

func fail(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "clientv3-bench: %s: %v\n", what, err)
		os.Exit(1)
	}
}
