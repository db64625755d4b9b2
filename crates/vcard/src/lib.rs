//! A virtual smart card for tests and demos, plugged into vsmartcard-vpcd's readers.
//!
//! vpcd (a PC/SC driver loaded by pcscd) adds the readers "Virtual PCD 00 00" and
//! "Virtual PCD 00 01", which wait for a card on TCP ports 35963 and 35964. A card is
//! inserted by connecting to the port and removed by closing the connection. Each message
//! is a 2-byte big-endian length then the payload: a 1-byte payload is a control (0 power
//! off, 1 power on, 2 reset, 4 "send your ATR"), anything longer is an APDU, answered with
//! the response data and SW1 SW2.
//!
//! The card has the ATR the test chooses and answers APDUs from a [`Script`].

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Port of vpcd's reader "Virtual PCD 00 00".
pub const VPCD_PORT_0: u16 = 35963;
/// Port of vpcd's reader "Virtual PCD 00 01".
pub const VPCD_PORT_1: u16 = 35964;

/// The ATRs of real CPS cards (Cryptolib CPS matches them exactly).
pub mod atr {
    pub const CPS3_CONTACT: &str = "3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00";
    pub const CPS3_CONTACTLESS: &str = "3B 8F 80 01 00 31 B8 64 04 B0 EC C1 73 94 01 80 82 90 00 0E";
    pub const CPS4: &str = "3B 9B 18 80 01 00 12 25 00 64 80 04 01 00 00 90 44";
    pub const CPS4_RC: &str = "3B 9B 18 80 01 00 12 25 00 64 80 00 04 01 00 90 44";
    pub const CPS4_T0: &str = "3B DC 18 FF 00 00 12 25 00 64 80 00 04 01 00 90 00";

    /// A well-formed ATR that no CPS card has.
    pub const UNKNOWN: &str = "3B 8A 80 01 80 31 80 65 B0 85 03 00 EF 12";

    /// The ATR of a card name understood by the binary (`cps3`, `cps3-cl`, `cps4`, `cps4-rc`, `cps4-t0`).
    pub fn by_name(name: &str) -> Option<&'static str> {
        Some(match name.to_ascii_lowercase().as_str() {
            "cps3" | "cps3-contact" => CPS3_CONTACT,
            "cps3-cl" | "cps3-contactless" => CPS3_CONTACTLESS,
            "cps4" => CPS4,
            "cps4-rc" => CPS4_RC,
            "cps4-t0" => CPS4_T0,
            "unknown" => UNKNOWN,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError(pub String);

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid hex {:?}: expected pairs of hex digits, optionally separated by spaces or colons", self.0)
    }
}

impl std::error::Error for HexError {}

/// Parses "3B AC 00", "3b:ac:00" or "3BAC00".
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    let digits: Vec<u8> = text.bytes().filter(|b| !matches!(b, b' ' | b':' | b'\t' | b'\n' | b'\r')).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(HexError(text.into()));
    }
    let nibble = |d: u8| (d as char).to_digit(16).map(|v| v as u8).ok_or_else(|| HexError(text.into()));
    digits.chunks(2).map(|p| Ok(nibble(p[0])? << 4 | nibble(p[1])?)).collect()
}

/// "3B AC 00": uppercase, one space between bytes.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

/// How the card answers APDUs: the response of the longest matching prefix, else a
/// default (6D 00, "instruction not supported").
#[derive(Debug, Clone)]
pub struct Script {
    rules: BTreeMap<Vec<u8>, Vec<u8>>,
    default: Vec<u8>,
}

impl Default for Script {
    fn default() -> Self {
        Self { rules: BTreeMap::new(), default: vec![0x6D, 0x00] }
    }
}

impl Script {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers `response` (data + SW1 SW2) to every APDU starting with `prefix`.
    pub fn on(mut self, prefix: impl AsRef<[u8]>, response: impl AsRef<[u8]>) -> Self {
        self.rules.insert(prefix.as_ref().to_vec(), response.as_ref().to_vec());
        self
    }

    pub fn on_hex(self, prefix: &str, response: &str) -> Result<Self, HexError> {
        Ok(self.on(parse_hex(prefix)?, parse_hex(response)?))
    }

    /// Every VERIFY (CLA 00, INS 20) is refused with 63 Cx, x = `tries_left`. A longer
    /// prefix (a VERIFY with the right PIN) can still be scripted to answer 90 00.
    pub fn wrong_pin(self, tries_left: u8) -> Self {
        self.on([0x00, 0x20], [0x63, 0xC0 | (tries_left & 0x0F)])
    }

    /// The answer to APDUs no rule matches.
    pub fn otherwise(mut self, response: impl AsRef<[u8]>) -> Self {
        self.default = response.as_ref().to_vec();
        self
    }

    pub fn answer(&self, apdu: &[u8]) -> Vec<u8> {
        self.rules
            .iter()
            .filter(|(prefix, _)| apdu.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, response)| response.clone())
            .unwrap_or_else(|| self.default.clone())
    }
}

const CTRL_OFF: u8 = 0;
const CTRL_ON: u8 = 1;
const CTRL_RESET: u8 = 2;
const CTRL_ATR: u8 = 4;

/// A virtual card: [`VirtualCard::insert`] plugs it into a vpcd reader.
pub struct VirtualCard;

impl VirtualCard {
    /// Inserts a card with `atr` into the vpcd reader listening on 127.0.0.1:`port`, and
    /// answers the reader on a thread until [`InsertedCard::remove`] (or drop).
    pub fn insert(port: u16, atr: &[u8], script: Script) -> io::Result<InsertedCard> {
        if atr.is_empty() || atr.len() > 33 {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("an ATR has 1 to 33 bytes, not {}", atr.len())));
        }
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))
            .map_err(|e| io::Error::new(e.kind(), format!("no vpcd reader on 127.0.0.1:{port} ({e}): is pcscd running with the vsmartcard-vpcd driver?")))?;
        stream.set_nodelay(true)?;
        let control = stream.try_clone()?;
        let state = Arc::new(Shared { apdus: Mutex::new(Vec::new()), inserted: AtomicBool::new(true), powered: AtomicBool::new(false) });
        let thread_state = Arc::clone(&state);
        let atr = atr.to_vec();
        let thread = std::thread::Builder::new().name(format!("vcard-{port}")).spawn(move || {
            let result = serve(stream, &atr, &script, &thread_state);
            thread_state.inserted.store(false, Ordering::SeqCst);
            result
        })?;
        Ok(InsertedCard { port, control, state, thread: Some(thread) })
    }
}

struct Shared {
    apdus: Mutex<Vec<Vec<u8>>>,
    inserted: AtomicBool,
    powered: AtomicBool,
}

/// The connection ended: the reader side closed it (pcscd stopped), or remove() shut the
/// socket down, whatever the card was doing at that moment (reading or answering).
fn connection_closed(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::NotConnected
    )
}

fn serve(stream: TcpStream, atr: &[u8], script: &Script, state: &Shared) -> io::Result<()> {
    match serve_until_closed(stream, atr, script, state) {
        Err(e) if connection_closed(&e) => Ok(()),
        other => other,
    }
}

fn serve_until_closed(mut stream: TcpStream, atr: &[u8], script: &Script, state: &Shared) -> io::Result<()> {
    loop {
        let mut header = [0u8; 2];
        stream.read_exact(&mut header)?;
        let mut payload = vec![0u8; u16::from_be_bytes(header) as usize];
        stream.read_exact(&mut payload)?;
        match payload.as_slice() {
            [] => {}
            [CTRL_OFF] => state.powered.store(false, Ordering::SeqCst),
            [CTRL_ON] | [CTRL_RESET] => state.powered.store(true, Ordering::SeqCst),
            [CTRL_ATR] => send(&mut stream, atr)?,
            [_] => {} // unknown control: vpcd expects no answer to controls other than ATR
            apdu => {
                let response = script.answer(apdu);
                state.apdus.lock().unwrap().push(apdu.to_vec());
                send(&mut stream, &response)?;
            }
        }
    }
}

fn send(stream: &mut TcpStream, payload: &[u8]) -> io::Result<()> {
    let mut message = Vec::with_capacity(payload.len() + 2);
    message.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    message.extend_from_slice(payload);
    stream.write_all(&message)
}

/// A card in a reader. Removed by [`InsertedCard::remove`] or when dropped.
pub struct InsertedCard {
    port: u16,
    control: TcpStream,
    state: Arc<Shared>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl InsertedCard {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The APDUs received so far, in order.
    pub fn apdus(&self) -> Vec<Vec<u8>> {
        self.state.apdus.lock().unwrap().clone()
    }

    /// False once the reader closed the connection (pcscd stopped) or the card was removed.
    pub fn is_inserted(&self) -> bool {
        self.state.inserted.load(Ordering::SeqCst)
    }

    /// Whether the reader powered the card on (and did not power it off since).
    pub fn is_powered(&self) -> bool {
        self.state.powered.load(Ordering::SeqCst)
    }

    /// Blocks until the reader side closes the connection (pcscd stopped).
    pub fn wait_until_reader_closes(mut self) -> io::Result<()> {
        match self.thread.take() {
            Some(thread) => thread.join().unwrap_or_else(|_| Err(io::Error::other("the card thread panicked"))),
            None => Ok(()),
        }
    }

    /// Pulls the card out: closes the connection and waits for the card thread.
    pub fn remove(mut self) -> io::Result<()> {
        self.close()
    }

    fn close(&mut self) -> io::Result<()> {
        let _ = self.control.shutdown(Shutdown::Both);
        match self.thread.take() {
            Some(thread) => thread.join().unwrap_or_else(|_| Err(io::Error::other("the card thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for InsertedCard {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn hex_round_trip() {
        let bytes = parse_hex(atr::CPS3_CONTACT).unwrap();
        assert_eq!(bytes.len(), 17);
        assert_eq!(to_hex(&bytes), atr::CPS3_CONTACT);
        assert_eq!(parse_hex("3b:ac00").unwrap(), vec![0x3B, 0xAC, 0x00]);
        assert!(parse_hex("3B A").is_err());
        assert!(parse_hex("ZZ").is_err());
    }

    #[test]
    fn script_answers_longest_prefix_then_default() {
        let script = Script::new().on_hex("00 A4 04 00", "90 00").unwrap().wrong_pin(2).on_hex("00 20 00 01 04 31 32 33 34", "90 00").unwrap();
        assert_eq!(script.answer(&parse_hex("00 A4 04 00 07 A0 00 00").unwrap()), vec![0x90, 0x00]);
        assert_eq!(script.answer(&parse_hex("00 20 00 01 04 39 39 39 39").unwrap()), vec![0x63, 0xC2]);
        assert_eq!(script.answer(&parse_hex("00 20 00 01 04 31 32 33 34").unwrap()), vec![0x90, 0x00]);
        assert_eq!(script.answer(&parse_hex("00 B0 00 00 10").unwrap()), vec![0x6D, 0x00]);
        assert_eq!(Script::new().otherwise([0x6A, 0x82]).answer(&[0, 0, 0, 0]), vec![0x6A, 0x82]);
    }

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut m = (payload.len() as u16).to_be_bytes().to_vec();
        m.extend_from_slice(payload);
        m
    }

    fn read_frame(stream: &mut TcpStream) -> Vec<u8> {
        let mut header = [0u8; 2];
        stream.read_exact(&mut header).unwrap();
        let mut payload = vec![0u8; u16::from_be_bytes(header) as usize];
        stream.read_exact(&mut payload).unwrap();
        payload
    }

    /// Plays vpcd's side of the protocol against the card, over a real socket.
    #[test]
    fn speaks_the_vpcd_protocol() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let atr = parse_hex(atr::CPS4).unwrap();
        let card = VirtualCard::insert(port, &atr, Script::new().wrong_pin(2)).unwrap();
        let (mut reader, _) = listener.accept().unwrap();

        reader.write_all(&frame(&[CTRL_ATR])).unwrap();
        assert_eq!(read_frame(&mut reader), atr);
        reader.write_all(&frame(&[CTRL_ON])).unwrap();
        reader.write_all(&frame(&[CTRL_ATR])).unwrap();
        assert_eq!(read_frame(&mut reader), atr);
        assert!(card.is_powered());

        let verify = parse_hex("00 20 00 01 08 31 32 33 34 FF FF FF FF").unwrap();
        reader.write_all(&frame(&verify)).unwrap();
        assert_eq!(read_frame(&mut reader), vec![0x63, 0xC2]);
        reader.write_all(&frame(&parse_hex("00 A4 04 00 02 3F 00").unwrap())).unwrap();
        assert_eq!(read_frame(&mut reader), vec![0x6D, 0x00]);
        assert_eq!(card.apdus().len(), 2);
        assert_eq!(card.apdus()[0], verify);

        reader.write_all(&frame(&[CTRL_OFF])).unwrap();
        reader.write_all(&frame(&[CTRL_ATR])).unwrap();
        assert_eq!(read_frame(&mut reader), atr);
        assert!(!card.is_powered());

        // Removal closes the connection: the reader reads end-of-stream.
        assert!(card.is_inserted());
        card.remove().unwrap();
        let mut rest = Vec::new();
        assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0);
    }

    #[test]
    fn reader_closing_is_seen() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let card = VirtualCard::insert(port, &[0x3B, 0x00], Script::new()).unwrap();
        let (reader, _) = listener.accept().unwrap();
        drop(reader);
        card.wait_until_reader_closes().unwrap();
    }

    #[test]
    fn no_reader_is_a_clear_error() {
        let port = {
            let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
            l.local_addr().unwrap().port()
        };
        let err = VirtualCard::insert(port, &[0x3B, 0x00], Script::new()).err().expect("nothing listens");
        assert!(err.to_string().contains("vpcd"), "{err}");
        assert!(VirtualCard::insert(port, &[], Script::new()).is_err());
    }
}
