//! `certisante-vcard insert --port 35963 --atr "3B AC 00 ..."`: inserts a virtual card
//! into a vpcd reader and keeps it there until killed or until stdin closes.

use std::io::{Read, Write};
use std::process::ExitCode;

use certisante_vcard::{atr, parse_hex, to_hex, Script, VirtualCard, VPCD_PORT_0};

const USAGE: &str = "usage: certisante-vcard insert [--port PORT] (--atr HEX | --card NAME)
                        [--respond PREFIX=RESPONSE]... [--wrong-pin TRIES_LEFT]
                        [--default SW] [--wait stdin|kill]

Inserts a virtual smart card into a vsmartcard-vpcd reader (pcscd must run with the
vpcd driver) and keeps it inserted until the process is killed, or until stdin closes
when stdin is a terminal or a pipe.

  --port PORT        vpcd reader port (default 35963 = \"Virtual PCD 00 00\"; 35964 = \"00 01\")
  --atr HEX          the card's ATR, e.g. \"3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00\"
  --card NAME        a known ATR: cps3, cps3-cl, cps4, cps4-rc, cps4-t0, unknown
  --respond P=R      answer R (data + SW1 SW2, hex) to APDUs starting with P (hex);
                     the longest matching prefix wins
  --wrong-pin N      answer 63 CN to every VERIFY (00 20 ...)
  --default SW       answer to unscripted APDUs (default 6D 00)
  --wait stdin|kill  stdin: remove the card when stdin closes; kill: only when killed
                     (default: stdin if it is a terminal or a pipe, else kill)";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("certisante-vcard: {message}");
            ExitCode::from(2)
        }
    }
}

#[derive(PartialEq)]
enum Wait {
    Stdin,
    Kill,
}

fn run(args: Vec<String>) -> Result<ExitCode, String> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("insert") => {}
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        _ => return Err(format!("expected a command\n{USAGE}")),
    }
    let mut port = VPCD_PORT_0;
    let mut card_atr: Option<Vec<u8>> = None;
    let mut script = Script::new();
    let mut wait = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => port = value()?.parse().map_err(|_| "--port needs a TCP port number".to_string())?,
            "--atr" => card_atr = Some(parse_hex(&value()?).map_err(|e| e.to_string())?),
            "--card" => {
                let name = value()?;
                let hex = atr::by_name(&name).ok_or_else(|| format!("unknown card {name:?}: cps3, cps3-cl, cps4, cps4-rc, cps4-t0, unknown"))?;
                card_atr = Some(parse_hex(hex).unwrap());
            }
            "--respond" => {
                let rule = value()?;
                let (prefix, response) = rule.split_once('=').ok_or_else(|| format!("--respond {rule:?}: expected PREFIX=RESPONSE"))?;
                script = script.on_hex(prefix, response).map_err(|e| e.to_string())?;
            }
            "--wrong-pin" => {
                let tries: u8 = value()?.parse().ok().filter(|t| *t <= 15).ok_or("--wrong-pin needs 0 to 15")?;
                script = script.wrong_pin(tries);
            }
            "--default" => script = script.otherwise(parse_hex(&value()?).map_err(|e| e.to_string())?),
            "--wait" => {
                wait = Some(match value()?.as_str() {
                    "stdin" => Wait::Stdin,
                    "kill" => Wait::Kill,
                    other => return Err(format!("--wait {other:?}: expected stdin or kill")),
                })
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    let card_atr = card_atr.ok_or("--atr or --card is required")?;
    // A background job's stdin is /dev/null: reading it would remove the card at once.
    let wait = wait.unwrap_or_else(|| if stdin_can_close() { Wait::Stdin } else { Wait::Kill });

    let card = VirtualCard::insert(port, &card_atr, script).map_err(|e| e.to_string())?;
    println!("inserted port={port} atr={}", to_hex(&card_atr));
    let _ = std::io::stdout().flush();

    if wait == Wait::Stdin {
        // Stdin closing and the reader closing both end the wait.
        let (tx, rx) = std::sync::mpsc::channel();
        let stdin_tx = tx.clone();
        std::thread::spawn(move || {
            let mut sink = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
            let _ = stdin_tx.send(true);
        });
        let watch = std::thread::spawn(move || {
            while card.is_inserted() {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            let _ = tx.send(false);
            card
        });
        if rx.recv().unwrap_or(false) {
            println!("removed");
            return Ok(ExitCode::SUCCESS);
        }
        let _ = watch.join();
    } else {
        let _ = card.wait_until_reader_closes();
    }
    eprintln!("certisante-vcard: the reader closed the connection (pcscd stopped?)");
    Ok(ExitCode::from(1))
}

#[cfg(unix)]
fn stdin_can_close() -> bool {
    use std::io::IsTerminal;
    use std::os::unix::fs::FileTypeExt;
    if std::io::stdin().is_terminal() {
        return true;
    }
    std::fs::metadata("/dev/stdin").map(|m| m.file_type().is_fifo() || m.file_type().is_socket()).unwrap_or(false)
}

#[cfg(not(unix))]
fn stdin_can_close() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
}
