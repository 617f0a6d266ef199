//! A loopback TCP proxy that injects faults into HTTP exchanges (RELIABILITY.md, "Faults"):
//! cut the connection after N bytes of the request, or forward the whole request and drop the
//! server's reply (the server committed, the tablet never hears it). It also gives the tablet a
//! stable address while the server behind it is killed and restarted on another port. A gate
//! ([`Fault::HoldAfterReplies`]) holds the next request once a number of replies has passed, so a
//! test can act between two batches of one sync instead of guessing with a sleep.
//! [`Fault::AlterReplies`] changes bytes of the replies on their way, as a tampering proxy would.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the proxy does to each new connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    None,
    /// Forward this many bytes of the request, then close both sides.
    CutRequestAfter(usize),
    /// Forward the request; read the server's whole reply and drop it, closing on the client.
    DropReply,
    /// Forward whole requests and replies one at a time; once this many replies (counted over
    /// all connections since the fault was set) have reached the client, hold the next request
    /// until [`Proxy::release`], then close that connection without forwarding it.
    HoldAfterReplies(usize),
    /// Forward whole requests and replies one at a time, replacing every occurrence of the
    /// first byte string in each reply with the second (of the same length, so the reply's
    /// `Content-Length` still holds): a proxy that alters what it carries.
    AlterReplies(&'static [u8], &'static [u8]),
}

/// The gate's shared state: replies forwarded, whether a request is being held, released.
#[derive(Debug, Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    replies: usize,
    holding: bool,
    released: bool,
}

/// A running proxy. Dropping it stops accepting.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    state: Arc<Mutex<(SocketAddr, Fault)>>,
    gate: Arc<Gate>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// Start a proxy in front of `upstream`.
    pub fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let addr = listener.local_addr().expect("proxy addr");
        let state = Arc::new(Mutex::new((upstream, Fault::None)));
        let stop = Arc::new(AtomicBool::new(false));
        let gate = Arc::new(Gate::default());
        let (state2, stop2, gate2) = (Arc::clone(&state), Arc::clone(&stop), Arc::clone(&gate));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = client else { continue };
                let (upstream, fault) = *state2.lock().expect("proxy state");
                let gate = Arc::clone(&gate2);
                std::thread::spawn(move || {
                    let _ = handle(client, upstream, fault, &gate);
                });
            }
        });
        Proxy {
            addr,
            state,
            gate,
            stop,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Fault for connections accepted from now on (a new gate starts counting from zero).
    pub fn set_fault(&self, fault: Fault) {
        *self.gate.state.lock().expect("gate") = GateState::default();
        self.state.lock().expect("proxy state").1 = fault;
    }

    /// Wait until the gate holds a request; false when none arrived within `timeout`.
    pub fn wait_until_held(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut state = self.gate.state.lock().expect("gate");
        while !state.holding {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            state = self.gate.changed.wait_timeout(state, left).expect("gate").0;
        }
        true
    }

    /// Replies the gate let through so far.
    pub fn replies(&self) -> usize {
        self.gate.state.lock().expect("gate").replies
    }

    /// Let the held request go: its connection is closed without forwarding it.
    pub fn release(&self) {
        self.gate.state.lock().expect("gate").released = true;
        self.gate.changed.notify_all();
    }

    /// Point at a restarted server.
    pub fn set_upstream(&self, upstream: SocketAddr) {
        self.state.lock().expect("proxy state").0 = upstream;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr); // wake the accept loop
    }
}

fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: Fault,
    gate: &Gate,
) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream)?;
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    server.set_read_timeout(Some(Duration::from_secs(30)))?;
    match fault {
        Fault::None => {
            let (mut c2, mut s2) = (client.try_clone()?, server.try_clone()?);
            let up = std::thread::spawn(move || {
                let _ = std::io::copy(&mut c2, &mut s2);
                let _ = s2.shutdown(Shutdown::Write);
            });
            let _ = std::io::copy(&mut server, &mut client);
            let _ = client.shutdown(Shutdown::Write);
            let _ = up.join();
        }
        Fault::CutRequestAfter(limit) => {
            let mut forwarded = 0;
            let mut buf = [0u8; 8192];
            while forwarded < limit {
                let n = client.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                let take = n.min(limit - forwarded);
                server.write_all(&buf[..take])?;
                forwarded += take;
            }
            let _ = server.shutdown(Shutdown::Both);
            let _ = client.shutdown(Shutdown::Both);
        }
        Fault::DropReply => {
            let request = read_http_message(&mut client)?;
            server.write_all(&request)?;
            // Wait for the server's whole reply (it has committed by then), then drop it.
            let _ = read_http_message(&mut server);
            let _ = client.shutdown(Shutdown::Both);
        }
        Fault::HoldAfterReplies(limit) => loop {
            let request = read_http_message(&mut client)?;
            if request.is_empty() {
                break;
            }
            {
                let mut state = gate.state.lock().expect("gate");
                if state.replies >= limit {
                    state.holding = true;
                    gate.changed.notify_all();
                    while !state.released {
                        state = gate.changed.wait(state).expect("gate");
                    }
                    drop(state);
                    let _ = server.shutdown(Shutdown::Both);
                    let _ = client.shutdown(Shutdown::Both);
                    break;
                }
            }
            server.write_all(&request)?;
            let reply = read_http_message(&mut server)?;
            // Counted before the client can read it: a client that answers at once must not slip
            // its next request past the gate.
            gate.state.lock().expect("gate").replies += 1;
            client.write_all(&reply)?;
        },
        Fault::AlterReplies(from, to) => loop {
            assert_eq!(from.len(), to.len(), "an altered reply keeps its length");
            let request = read_http_message(&mut client)?;
            if request.is_empty() {
                break;
            }
            server.write_all(&request)?;
            let mut reply = read_http_message(&mut server)?;
            let mut at = 0;
            while let Some(found) = find(&reply[at..], from) {
                reply[at + found..at + found + to.len()].copy_from_slice(to);
                at += found + to.len();
            }
            client.write_all(&reply)?;
        },
    }
    Ok(())
}

/// Read one HTTP/1.1 message with a Content-Length body (what reqwest and axum send here).
fn read_http_message(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = find(&data, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = stream.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
            }
            return Ok(data);
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Ok(data);
        }
        data.extend_from_slice(&buf[..n]);
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
