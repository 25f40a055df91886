//! Independent exact solvers to check the auction against: successive shortest paths on
//! the flow network, and plain enumeration for tiny graphs (which checks the first).

use lodestar_match::CandidateGraph;

/// The best total of any assignment, by successive shortest paths.
///
/// Network: source → mentee (capacity 1), mentee → mentor (capacity 1, cost −weight),
/// mentor → sink (capacity = the mentor's). Each augmentation along a cheapest path adds
/// one matched mentee at the least extra cost; the cost of the k-th path never decreases,
/// so stopping at the first path that does not lower the cost gives the maximum weight
/// over all sizes. Paths by SPFA (Bellman–Ford with a queue): the residual graph has
/// negative arcs but never a negative cycle.
pub fn max_total(graph: &CandidateGraph) -> i64 {
    let mut network = Network::new(graph);
    let mut total: i128 = 0;
    while let Some(cost) = network.augment() {
        if cost >= 0 {
            break;
        }
        total -= cost;
    }
    i64::try_from(total).expect("a total that fits the graph's weights")
}

struct Network {
    /// Residual arcs in pairs (arc, arc ^ 1 = its reverse).
    to: Vec<usize>,
    capacity: Vec<i64>,
    cost: Vec<i128>,
    out: Vec<Vec<usize>>,
    source: usize,
    sink: usize,
}

impl Network {
    fn new(graph: &CandidateGraph) -> Self {
        let (n, m) = (graph.mentees(), graph.mentors());
        let mut network = Network {
            to: Vec::new(),
            capacity: Vec::new(),
            cost: Vec::new(),
            out: vec![Vec::new(); n + m + 2],
            source: n + m,
            sink: n + m + 1,
        };
        for i in 0..n {
            network.add(network.source, i, 1, 0);
            for (j, w) in graph.arcs(i) {
                network.add(i, n + j as usize, 1, -i128::from(w));
            }
        }
        for j in 0..m {
            network.add(n + j, network.sink, i64::from(graph.capacity(j)), 0);
        }
        network
    }

    fn add(&mut self, from: usize, to: usize, capacity: i64, cost: i128) {
        self.out[from].push(self.to.len());
        self.to.push(to);
        self.capacity.push(capacity);
        self.cost.push(cost);
        self.out[to].push(self.to.len());
        self.to.push(from);
        self.capacity.push(0);
        self.cost.push(-cost);
    }

    /// Sends one unit along a cheapest source–sink path; returns its cost, or `None` if
    /// the sink is unreachable.
    fn augment(&mut self) -> Option<i128> {
        let nodes = self.out.len();
        let mut distance = vec![i128::MAX; nodes];
        let mut via = vec![usize::MAX; nodes];
        let mut queued = vec![false; nodes];
        let mut queue = std::collections::VecDeque::new();
        distance[self.source] = 0;
        queue.push_back(self.source);
        while let Some(node) = queue.pop_front() {
            queued[node] = false;
            for &arc in &self.out[node] {
                if self.capacity[arc] == 0 {
                    continue;
                }
                let next = self.to[arc];
                let through = distance[node] + self.cost[arc];
                if through < distance[next] {
                    distance[next] = through;
                    via[next] = arc;
                    if !queued[next] {
                        queued[next] = true;
                        queue.push_back(next);
                    }
                }
            }
        }
        if distance[self.sink] == i128::MAX {
            return None;
        }
        let mut node = self.sink;
        while node != self.source {
            let arc = via[node];
            self.capacity[arc] -= 1;
            self.capacity[arc ^ 1] += 1;
            node = self.to[arc ^ 1];
        }
        Some(distance[self.sink])
    }
}

/// The best total by trying every assignment: only for a handful of mentees.
pub fn enumerate(graph: &CandidateGraph) -> i64 {
    fn visit(graph: &CandidateGraph, i: usize, load: &mut [u32]) -> i64 {
        if i == graph.mentees() {
            return 0;
        }
        let mut best = visit(graph, i + 1, load);
        for (j, w) in graph.arcs(i) {
            let j = j as usize;
            if load[j] < graph.capacity(j) {
                load[j] += 1;
                best = best.max(w + visit(graph, i + 1, load));
                load[j] -= 1;
            }
        }
        best
    }
    visit(graph, 0, &mut vec![0; graph.mentors()])
}
