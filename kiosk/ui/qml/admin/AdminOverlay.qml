import QtQuick

// Technician and staff mode over the kiosk: a hidden hot-spot (long press) and a full panel.
Item {
    id: root
    objectName: "adminOverlay"
    anchors.fill: parent

    // The hidden way in: hold the top-left corner (over the logo) for about five seconds. A
    // PointHandler only watches (passive grab): taps in the corner still reach what is under it.
    Item {
        id: hotspot
        objectName: "adminHotspot"
        x: units.mm(hotspotMm[0])
        y: units.mm(hotspotMm[1])
        width: units.mm(hotspotMm[2])
        height: units.mm(hotspotMm[3])
        visible: !admin.open
        Accessible.role: Accessible.Button
        Accessible.name: adminI18n.t.hotspot_name
        Accessible.onPressAction: admin.request()
        PointHandler {
            id: holdWatch
            onActiveChanged: active ? holdTimer.restart() : holdTimer.stop()
        }
        Timer {
            id: holdTimer
            interval: admin.hold_s * 1000
            onTriggered: if (holdWatch.active) admin.request()
        }
    }

    Rectangle {
        id: panel
        objectName: "adminPanel"
        anchors.fill: parent
        visible: admin.open
        color: theme.c.background

        // Nothing under the panel can be touched while it is open.
        MouseArea {
            anchors.fill: parent
            onPressed: idle.restart()
        }

        Timer {
            id: idle
            interval: admin.idle_ms
            running: admin.open
            onTriggered: admin.close()
        }
        Connections { target: admin; function onChanged() { idle.restart() } }
        Connections { target: tech; function onChanged() { idle.restart() } }
        Connections { target: staff; function onChanged() { idle.restart() } }

        Rectangle {
            id: header
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.right: parent.right
            height: units.mm(18)
            color: theme.c.surface
            border.color: theme.c.border
            border.width: units.mm(0.3)
            Text {
                objectName: "adminTitle"
                anchors.verticalCenter: parent.verticalCenter
                anchors.left: parent.left
                anchors.leftMargin: units.mm(5)
                color: theme.c.text
                font.pixelSize: units.body_px
                font.bold: true
                text: admin.page === "technician" ? adminI18n.t.title_technician
                      : admin.page === "staff" ? adminI18n.t.title_staff : adminI18n.t.title_pin
            }
            AButton {
                objectName: "adminLangButton"
                anchors.verticalCenter: parent.verticalCenter
                anchors.right: closeButton.left
                anchors.rightMargin: units.mm(3)
                minWidth: units.mm(16)
                kind: "secondary"
                text: adminI18n.lang === "vi" ? "EN" : "VI"
                Accessible.name: adminI18n.t.switch_language
                onClicked: adminI18n.set_language(adminI18n.lang === "vi" ? "en" : "vi")
            }
            AButton {
                id: closeButton
                objectName: "adminCloseButton"
                anchors.verticalCenter: parent.verticalCenter
                anchors.right: parent.right
                anchors.rightMargin: units.mm(4)
                kind: "secondary"
                text: admin.role === "" ? adminI18n.t.cancel : adminI18n.t.logout
                onClicked: admin.close()
            }
        }

        Loader {
            objectName: "adminPage"
            anchors.top: header.bottom
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: units.mm(5)
            active: admin.open
            source: admin.page === "technician" ? "TechScreen.qml"
                    : admin.page === "staff" ? "StaffScreen.qml" : "PinPad.qml"
        }
    }
}
