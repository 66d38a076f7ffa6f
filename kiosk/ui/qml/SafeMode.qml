import QtQuick
import QtQuick.Window

// Out of service: no devices, no citizen data, nothing to touch. Shown by kiosk-safe-mode.service.
Window {
    id: win
    objectName: "safeModeWindow"
    visible: true
    width: 1080
    height: 1920
    color: "#ffffff"
    title: i18n.t.safe_title

    Column {
        anchors.centerIn: parent
        width: parent.width * 0.85
        spacing: units.mm(8)

        Text {
            objectName: "safeTitle"
            width: parent.width
            text: i18n.t.safe_title
            color: "#0b0c0c"
            font.pixelSize: units.huge_px
            font.bold: true
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Text {
            objectName: "safeBody"
            width: parent.width
            text: i18n.t.safe_body
            color: "#0b0c0c"
            font.pixelSize: units.title_px
            wrapMode: Text.WordWrap
            horizontalAlignment: Text.AlignHCenter
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }
}
