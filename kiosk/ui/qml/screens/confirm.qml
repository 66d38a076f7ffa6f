import QtQuick
import "../components"

Item {
    objectName: "screen_confirm"
    // Scrolls only when the largest text does not fit; the hint below says so.
    Flickable {
        id: flick
        anchors.top: parent.top
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(3)
        width: parent.width
        contentHeight: grid.height
        clip: true
    Grid {
        id: grid
        width: parent.width
        columns: portrait ? 1 : 2
        spacing: units.mm(portrait ? 6 : 12)
        Column {
            width: portrait ? parent.width : parent.width * 0.45
            spacing: units.mm(6)
            Heading { text: i18n.t.confirm_title }
            Rectangle {  // what the code confirms, before the code
                objectName: "confirmDeclaration"
                width: parent.width
                height: decl.implicitHeight + units.mm(8)
                color: theme.c.surface
                border.color: theme.c.border
                border.width: units.mm(0.5)
                radius: units.mm(2)
                Body {
                    id: decl
                    anchors.centerIn: parent
                    width: parent.width - units.mm(8)
                    font.bold: true
                    text: i18n.t.confirm_declaration
                }
            }
            Body {
                objectName: "confirmNotice"
                visible: confirm.notice.length > 0
                font.bold: true
                text: confirm.notice
            }
            Body {
                objectName: "confirmBody"
                text: confirm.mode === "otp_sending" ? i18n.t.confirm_otp_sending
                      : confirm.mode === "otp" ? confirm.sent
                      : i18n.t.confirm_body
            }
            Text {
                objectName: "confirmCode"
                visible: confirm.mode === "kiosk"
                color: theme.c.text
                font.pixelSize: units.huge_px
                font.bold: true
                font.letterSpacing: units.mm(3)
                text: confirm.code
            }
            Body {
                visible: confirm.mode !== "otp_sending"
                text: confirm.mode === "otp" ? i18n.t.confirm_otp_type_it : i18n.t.confirm_type_it
            }
            Rectangle {
                width: parent.width
                height: Math.max(units.mm(24), typedText.implicitHeight + units.mm(4))
                color: theme.c.background
                border.color: theme.c.border
                border.width: units.mm(0.8)
                radius: units.mm(2)
                Text {
                    id: typedText
                    objectName: "confirmTyped"
                    anchors.centerIn: parent
                    color: theme.c.text
                    font.pixelSize: units.huge_px
                    font.bold: true
                    font.letterSpacing: units.mm(3)
                    text: confirm.typed + "_".repeat(Math.max(0, 6 - confirm.typed.length))
                }
            }
            Body {
                objectName: "confirmError"
                visible: confirm.error.length > 0
                color: theme.c.danger
                font.bold: true
                text: confirm.error
            }
            KButton {
                objectName: "confirmNoCode"
                visible: confirm.mode === "otp_sending" || confirm.mode === "otp"
                kind: "secondary"
                text: i18n.t.confirm_otp_not_received
                onClicked: confirm.no_code()
            }
        }
        Keypad {
            prefix: "confirm"
            keyWidth: portrait ? (grid.width - 2 * spacing) / 3 : Math.max(key * 1.6, labelWidth)
            okEnabled: confirm.typed.length === 6 && confirm.mode !== "otp_sending"
            onDigit: (d) => confirm.digit(d)
            onErase: confirm.erase()
            onOk: confirm.submit()
        }
    }
    }
    ScrollHint { flick: flick }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBack: flow.back()
    }
}
